import { DAY_MS, MINUTE_MS, shanghaiDayStart, shanghaiHour } from '@d11/time/shanghai'
import { CurveError, type CurveParams, defaultCurveParams, type Stream, type StreamParams } from './params.ts'

/**
 * The part of `@d11/rules/calendar`'s `Calendar` the curve reads (docs/contracts.md). Any real
 * `Calendar` fits; tests may pass a hand-made one.
 */
export interface CurveCalendar {
  id: string
  waves: ReadonlyArray<{
    presale: { opens: number; finalPaymentOpens: number; finalPaymentCloses: number }
    spot: { opens: number; closes: number }
  }>
  afterSale: { from: number; to: number }
  launchMoments: ReadonlyArray<{
    id: string
    at: number
    kind: 'presale-open' | 'final-payment-open' | 'spot-open'
    wave: number
  }>
}

export type PhaseName = keyof StreamParams['phases']

/** One phase interval `[from, to)` of a calendar with the multiplier it applies. */
export interface PhaseInterval {
  phase: PhaseName
  wave: 1 | 2 | null
  from: number
  to: number
  multiplier: number
}

/** A spike (CAL-3): `amplitude × exp(-(t - at) / decay)` for `t` in `[at, at + window)`. */
export interface Spike {
  id: string
  kind: 'presale-open' | 'final-payment-open' | 'spot-open'
  wave: 1 | 2
  at: number
  amplitude: number
  decayMs: number
  windowMs: number
}

function waveNo(wave: number): 1 | 2 {
  // Calendars number waves 1 and 2; accept a 0-based index too.
  return wave >= 2 ? 2 : 1
}

/**
 * Relative order or consultation intensity per minute over a calendar (rules.md CAL-3): a diurnal
 * base times the phase multiplier, plus spikes that decay over the hour after each launch moment.
 * 1.0 is the average minute of an ordinary day. Pure: the same inputs give the same numbers.
 */
export class Curve {
  readonly phases: PhaseInterval[]
  readonly spikes: Spike[]
  readonly params: CurveParams

  constructor(
    readonly calendar: CurveCalendar,
    readonly stream: Stream = 'orders',
    params: CurveParams = defaultCurveParams(),
  ) {
    if (!params.streams[stream]) {
      throw new CurveError(`CAL-3: unknown stream "${stream}" (orders | consultations)`, 'stream')
    }
    this.params = params
    const sp = params.streams[stream]
    const [w1, w2] = calendar.waves
    if (!w1 || !w2) throw new CurveError(`CAL-1: calendar "${calendar.id}" must have two waves`, 'calendar')
    const phases: PhaseInterval[] = [
      {
        phase: 'warmup',
        wave: 1,
        from: w1.presale.opens - params.window.warmupDays * DAY_MS,
        to: w1.presale.opens,
        multiplier: sp.phases.warmup * sp.waveFactor['1'],
      },
    ]
    for (const [i, w] of [w1, w2].entries()) {
      const wave = (i + 1) as 1 | 2
      const f = sp.waveFactor[wave === 1 ? '1' : '2']
      phases.push(
        {
          phase: 'presale',
          wave,
          from: w.presale.opens,
          to: w.presale.finalPaymentOpens,
          multiplier: sp.phases.presale * f,
        },
        {
          phase: 'finalPayment',
          wave,
          from: w.presale.finalPaymentOpens,
          to: w.presale.finalPaymentCloses,
          multiplier: sp.phases.finalPayment * f,
        },
        { phase: 'spot', wave, from: w.spot.opens, to: w.spot.closes, multiplier: sp.phases.spot * f },
      )
    }
    phases.push({
      phase: 'afterSale',
      wave: null,
      from: calendar.afterSale.from,
      to: calendar.afterSale.to,
      multiplier: sp.phases.afterSale,
    })
    this.phases = phases
    this.spikes = calendar.launchMoments.map((m) => {
      const wave = waveNo(m.wave)
      const s = sp.spikes[m.kind]
      return {
        id: m.id,
        kind: m.kind,
        wave,
        at: m.at,
        amplitude: s.amplitude * sp.spikeWaveFactor[wave === 1 ? '1' : '2'],
        decayMs: s.decayMinutes * MINUTE_MS,
        windowMs: params.spikeWindowMinutes * MINUTE_MS,
      }
    })
  }

  /** Diurnal base at instant `t` (linear between hour midpoints, mean 1 over a day). */
  diurnal(t: number): number {
    const d = this.params.diurnal
    const h = shanghaiHour(t) - 0.5
    const lo = Math.floor(h)
    const frac = h - lo
    const a = d[(lo + 24) % 24] ?? 1
    const b = d[(lo + 25) % 24] ?? 1
    return a + (b - a) * frac
  }

  /** Phase multiplier at `t`: the largest of the active phases, 1 when none is active. */
  phaseMultiplier(t: number): number {
    let m = -1
    for (const p of this.phases) if (t >= p.from && t < p.to && p.multiplier > m) m = p.multiplier
    return m < 0 ? 1 : m
  }

  /** Mean spike contribution over `[a, b)` (exact integral of the decays, per minute). */
  spikeMean(a: number, b: number): number {
    let sum = 0
    for (const s of this.spikes) {
      const lo = Math.max(a, s.at)
      const hi = Math.min(b, s.at + s.windowMs)
      if (hi <= lo) continue
      sum +=
        s.amplitude * s.decayMs * (Math.exp(-(lo - s.at) / s.decayMs) - Math.exp(-(hi - s.at) / s.decayMs))
    }
    return sum / (b - a)
  }

  /** Relative intensity (per minute) of the minute starting at `minuteStart`. */
  minute(minuteStart: number): number {
    const mid = minuteStart + MINUTE_MS / 2
    return (
      this.diurnal(mid) * this.phaseMultiplier(mid) + this.spikeMean(minuteStart, minuteStart + MINUTE_MS)
    )
  }

  /** Relative intensities of each whole minute in `[from, to)` (`from` floored to a minute). */
  perMinute(from: number, to: number): Float64Array {
    const start = floorMinute(from)
    const n = Math.max(0, Math.ceil((to - start) / MINUTE_MS))
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) out[i] = this.minute(start + i * MINUTE_MS)
    return out
  }
}

export function floorMinute(t: number): number {
  return Math.floor(t / MINUTE_MS) * MINUTE_MS
}

/** Expected counts per minute over a window. */
export interface ExpectedCounts {
  calendar: string
  stream: Stream
  /** first minute (epoch ms) */
  from: number
  /** end (exclusive, epoch ms) */
  to: number
  /** expected count of each minute; sums to `total` when one was given */
  counts: number[]
}

export interface ExpectedCountsOptions {
  calendar: CurveCalendar
  from: number
  to: number
  stream?: Stream
  /** scale the window to this many events in total; without it the counts are relative (1 = an average ordinary minute) */
  total?: number
  params?: CurveParams
}

/** Expected counts of orders (or consultations) per minute over `[from, to)`. */
export function expectedCounts(opts: ExpectedCountsOptions): ExpectedCounts {
  const stream = opts.stream ?? 'orders'
  if (!(opts.to > opts.from)) throw new CurveError('CAL-3: window "to" must be after "from"', 'to')
  const curve = new Curve(opts.calendar, stream, opts.params)
  const w = curve.perMinute(opts.from, opts.to)
  let scale = 1
  if (opts.total !== undefined) {
    const sum = w.reduce((a, b) => a + b, 0)
    scale = sum > 0 ? opts.total / sum : 0
  }
  return {
    calendar: opts.calendar.id,
    stream,
    from: floorMinute(opts.from),
    to: opts.to,
    counts: Array.from(w, (v) => v * scale),
  }
}

/**
 * The span a generated world covers: from 00:00 of the day `window.warmupDays` before wave-1
 * presale opens to 24:00 of the day `window.tailDays` after wave-2 spot closes (Asia/Shanghai).
 */
export function worldWindow(
  calendar: CurveCalendar,
  params: CurveParams = defaultCurveParams(),
): { from: number; to: number } {
  const [w1, w2] = calendar.waves
  if (!w1 || !w2) throw new CurveError(`CAL-1: calendar "${calendar.id}" must have two waves`, 'calendar')
  const from = shanghaiDayStart(w1.presale.opens - params.window.warmupDays * DAY_MS)
  const to = shanghaiDayStart(w2.spot.closes - 1 + params.window.tailDays * DAY_MS) + DAY_MS
  return { from, to }
}

/**
 * Cumulative distribution over per-minute weights, for drawing timestamps from the curve by
 * inverse CDF. `inverse(u)` is non-decreasing in `u`, so stratified draws come out time-ordered.
 */
export class MinuteCdf {
  readonly cumulative: Float64Array
  readonly total: number

  constructor(
    readonly from: number,
    weights: ArrayLike<number>,
  ) {
    const c = new Float64Array(weights.length + 1)
    for (let i = 0; i < weights.length; i++) c[i + 1] = c[i]! + Math.max(0, weights[i]!)
    this.total = c[weights.length]!
    if (!(this.total > 0)) throw new CurveError('CAL-3: the curve has no weight in the window', 'window')
    this.cumulative = c
  }

  get to(): number {
    return this.from + (this.cumulative.length - 1) * MINUTE_MS
  }

  /** the minute the last `inverse` landed in */
  private lastMinute = 0

  /** Instant (epoch ms, integer) at cumulative share `u` in [0, 1). */
  inverse(u: number): number {
    const target = u * this.total
    const c = this.cumulative
    // The minute is the one `lo` with c[lo] <= target < c[lo + 1]. Samplers draw in rising order,
    // a hundred or so per minute, so the last answer is nearly always right again.
    let lo = this.lastMinute
    if (!(c[lo]! <= target && target < c[lo + 1]!)) {
      lo = 0
      let hi = c.length - 1
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1
        if (c[mid]! <= target) lo = mid
        else hi = mid
      }
      this.lastMinute = lo
    }
    const w = c[lo + 1]! - c[lo]!
    const frac = w > 0 ? (target - c[lo]!) / w : 0
    return Math.floor(this.from + (lo + Math.min(frac, 0.999999)) * MINUTE_MS)
  }

  /** Share of the weight before instant `t`. */
  cdf(t: number): number {
    const x = (t - this.from) / MINUTE_MS
    if (x <= 0) return 0
    const n = this.cumulative.length - 1
    if (x >= n) return 1
    const i = Math.floor(x)
    const c = this.cumulative
    return (c[i]! + (c[i + 1]! - c[i]!) * (x - i)) / this.total
  }
}

/** The inverse-CDF sampler of a stream over the calendar's world window. */
export function worldCdf(
  calendar: CurveCalendar,
  stream: Stream = 'orders',
  params: CurveParams = defaultCurveParams(),
): MinuteCdf {
  const { from, to } = worldWindow(calendar, params)
  return new MinuteCdf(from, new Curve(calendar, stream, params).perMinute(from, to))
}
