import { MINUTE_MS, toShanghaiIso } from '@d11/time/shanghai'
import { Curve, type CurveCalendar } from './curve.ts'
import { CurveError, type CurveParams, defaultCurveParams, type Stream } from './params.ts'

export interface K6StageOptions {
  calendar: CurveCalendar
  /** simulated window start (epoch ms) */
  from: number
  /** simulated window end (epoch ms, exclusive) */
  to: number
  /** time compression: simulated seconds per real second (60 = one simulated minute per second) */
  compress: number
  /** arrival rate (per second) of the highest stage */
  peakRps: number
  stream?: Stream
  params?: CurveParams
}

/** A k6 `ramping-arrival-rate` scenario, ready for `JSON.parse(open(file))` in a k6 script. */
export interface K6ArrivalScenario {
  executor: 'ramping-arrival-rate'
  startRate: number
  timeUnit: '1s'
  preAllocatedVUs: number
  maxVUs: number
  stages: Array<{ target: number; duration: string }>
  /** provenance, ignored by k6 (scripts pass only the fields above to `options.scenarios`) */
  meta: {
    calendar: string
    stream: Stream
    from: string
    to: string
    compress: number
    peakRps: number
    realSeconds: number
    rule: 'CAL-3'
  }
}

/**
 * k6 `ramping-arrival-rate` stages that replay the curve over `[from, to)` compressed `compress`
 * times, scaled so the busiest stage reaches `peakRps`. Each stage covers `k6.stageSeconds` real
 * seconds (10 s by default; the last one may be shorter) and targets the mean rate of its slice.
 */
export function k6Stages(opts: K6StageOptions): K6ArrivalScenario {
  const params = opts.params ?? defaultCurveParams()
  const stream = opts.stream ?? 'orders'
  if (!(Number.isFinite(opts.compress) && opts.compress > 0)) {
    throw new CurveError(`CAL-3: compress must be a positive number, got ${opts.compress}`, 'compress')
  }
  if (!(Number.isFinite(opts.peakRps) && opts.peakRps > 0)) {
    throw new CurveError(`CAL-3: peak-rps must be a positive number, got ${opts.peakRps}`, 'peak-rps')
  }
  if (!(opts.to > opts.from)) throw new CurveError('CAL-3: window "to" must be after "from"', 'to')
  const curve = new Curve(opts.calendar, stream, params)
  const stageSeconds = params.k6.stageSeconds
  const realMs = (opts.to - opts.from) / opts.compress
  const nStages = Math.ceil(realMs / (stageSeconds * 1000) - 1e-9)
  const means: number[] = []
  const durations: number[] = []
  for (let k = 0; k < nStages; k++) {
    const realA = k * stageSeconds * 1000
    const realB = Math.min(realMs, (k + 1) * stageSeconds * 1000)
    means.push(meanIntensity(curve, opts.from + realA * opts.compress, opts.from + realB * opts.compress))
    durations.push(Math.max(1, Math.round((realB - realA) / 1000)))
  }
  const start = curve.minute(Math.floor(opts.from / MINUTE_MS) * MINUTE_MS)
  const peak = Math.max(...means, start)
  const scale = opts.peakRps / peak
  const preAllocatedVUs = Math.max(1, Math.ceil((opts.peakRps * params.k6.assumedLatencyMs) / 1000))
  return {
    executor: 'ramping-arrival-rate',
    startRate: Math.round(start * scale),
    timeUnit: '1s',
    preAllocatedVUs,
    maxVUs: Math.ceil(preAllocatedVUs * params.k6.vuHeadroom),
    stages: means.map((m, k) => ({ target: Math.round(m * scale), duration: `${durations[k]}s` })),
    meta: {
      calendar: opts.calendar.id,
      stream,
      from: toShanghaiIso(opts.from),
      to: toShanghaiIso(opts.to),
      compress: opts.compress,
      peakRps: opts.peakRps,
      realSeconds: Math.round(realMs / 1000),
      rule: 'CAL-3',
    },
  }
}

/** Mean intensity over `[a, b)`, sampled per minute (or finer when the slice is shorter). */
function meanIntensity(curve: Curve, a: number, b: number): number {
  const step = Math.min(MINUTE_MS, b - a)
  let sum = 0
  let n = 0
  for (let t = a; t < b; t += step) {
    const end = Math.min(b, t + step)
    const mid = (t + end) / 2
    sum += (curve.diurnal(mid) * curve.phaseMultiplier(mid) + curve.spikeMean(t, end)) * (end - t)
    n += end - t
  }
  return n > 0 ? sum / n : 0
}
