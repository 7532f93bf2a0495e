import { parseDuration } from './duration.ts'
import { K6RunnerError } from './errors.ts'

export type Executor = 'constant-arrival-rate' | 'ramping-arrival-rate' | 'constant-vus' | 'per-vu-iterations'
const EXECUTORS: Executor[] = [
  'constant-arrival-rate',
  'ramping-arrival-rate',
  'constant-vus',
  'per-vu-iterations',
]

/** A stage of an arrival-rate schedule, in iterations per millisecond. */
export interface RateStage {
  from: number
  to: number
  ms: number
}

/** A scenario from `options.scenarios`, validated and in milliseconds. */
export interface ScenarioSpec {
  name: string
  executor: Executor
  exec: string
  startTimeMs: number
  gracefulStopMs: number
  env: Record<string, string>
  tags: Record<string, string>
  /** arrival-rate: the rate over time */
  stages: RateStage[]
  preAllocatedVUs: number
  maxVUs: number
  /** constant-vus, per-vu-iterations */
  vus: number
  /** constant-vus: duration; per-vu-iterations: maxDuration */
  durationMs: number
  iterations: number
}

function bad(field: string, why: string): never {
  throw new K6RunnerError('K6R_INVALID_CONFIG', `${field} ${why}`)
}

function int(v: unknown, field: string, fallback?: number, min = 0): number {
  if (v === undefined && fallback !== undefined) return fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    bad(field, `must be an integer >= ${min} (got ${JSON.stringify(v)})`)
  return v
}

function strings(v: unknown, field: string): Record<string, string> {
  if (v === undefined) return {}
  if (typeof v !== 'object' || v === null) bad(field, 'must be an object of strings')
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]))
}

/**
 * Turns a script's `options` into scenario specs, k6's way: `options.scenarios` when present,
 * otherwise the `vus` + `duration` shortcut (constant-vus), otherwise 1 VU x 1 iteration.
 */
export function parseScenarios(options: Record<string, unknown>): ScenarioSpec[] {
  let scenarios = options.scenarios as Record<string, Record<string, unknown>> | undefined
  if (scenarios === undefined) {
    if (options.iterations !== undefined) {
      bad(
        'options.iterations',
        'selects the shared-iterations executor, which the built-in runner lacks; use per-vu-iterations',
      )
    }
    if (options.stages !== undefined) {
      bad(
        'options.stages',
        'selects the ramping-vus executor, which the built-in runner lacks; use ramping-arrival-rate',
      )
    }
    scenarios =
      options.duration !== undefined
        ? { default: { executor: 'constant-vus', vus: options.vus ?? 1, duration: options.duration } }
        : { default: { executor: 'per-vu-iterations', vus: options.vus ?? 1, iterations: 1 } }
  }
  if (typeof scenarios !== 'object' || scenarios === null) bad('options.scenarios', 'must be an object')
  return Object.entries(scenarios).map(([name, s]) => {
    const f = `options.scenarios.${name}`
    const executor = s.executor as Executor
    if (!EXECUTORS.includes(executor)) {
      bad(
        `${f}.executor`,
        `'${String(executor)}' is not supported by the built-in runner (supported: ${EXECUTORS.join(', ')})`,
      )
    }
    const spec: ScenarioSpec = {
      name,
      executor,
      exec: s.exec === undefined ? 'default' : String(s.exec),
      startTimeMs: s.startTime === undefined ? 0 : parseDuration(s.startTime, `${f}.startTime`),
      gracefulStopMs:
        s.gracefulStop === undefined ? 30_000 : parseDuration(s.gracefulStop, `${f}.gracefulStop`),
      env: strings(s.env, `${f}.env`),
      tags: strings(s.tags, `${f}.tags`),
      stages: [],
      preAllocatedVUs: 0,
      maxVUs: 0,
      vus: 0,
      durationMs: 0,
      iterations: 0,
    }
    const unit = s.timeUnit === undefined ? 1000 : parseDuration(s.timeUnit, `${f}.timeUnit`)
    if (unit <= 0) bad(`${f}.timeUnit`, 'must be > 0')
    if (executor === 'constant-arrival-rate' || executor === 'ramping-arrival-rate') {
      spec.preAllocatedVUs = int(s.preAllocatedVUs, `${f}.preAllocatedVUs`)
      spec.maxVUs = int(s.maxVUs, `${f}.maxVUs`, spec.preAllocatedVUs)
      if (spec.maxVUs < spec.preAllocatedVUs) bad(`${f}.maxVUs`, 'must be >= preAllocatedVUs')
      if (executor === 'constant-arrival-rate') {
        const rate = int(s.rate, `${f}.rate`, undefined, 1) / unit
        spec.stages = [{ from: rate, to: rate, ms: parseDuration(s.duration, `${f}.duration`) }]
      } else {
        if (!Array.isArray(s.stages) || s.stages.length === 0)
          bad(`${f}.stages`, 'must be a non-empty array of { target, duration }')
        let prev = int(s.startRate, `${f}.startRate`, 0) / unit
        spec.stages = (s.stages as Array<Record<string, unknown>>).map((st, i) => {
          const to = int(st.target, `${f}.stages[${i}].target`) / unit
          const stage = { from: prev, to, ms: parseDuration(st.duration, `${f}.stages[${i}].duration`) }
          prev = to
          return stage
        })
      }
      spec.durationMs = spec.stages.reduce((a, st) => a + st.ms, 0)
    } else if (executor === 'constant-vus') {
      spec.vus = int(s.vus, `${f}.vus`, 1, 1)
      spec.durationMs = parseDuration(s.duration, `${f}.duration`)
    } else {
      spec.vus = int(s.vus, `${f}.vus`, 1, 1)
      spec.iterations = int(s.iterations, `${f}.iterations`, 1, 1)
      spec.durationMs =
        s.maxDuration === undefined ? 600_000 : parseDuration(s.maxDuration, `${f}.maxDuration`)
    }
    return spec
  })
}

/**
 * The exact arrival timeline: offsets (ms from scenario start) at which iteration k starts, i.e.
 * where the integral of the (piecewise linear) rate reaches k. Iteration 0 starts at offset 0.
 */
export function* arrivalOffsets(stages: RateStage[]): Generator<number> {
  let k = 0
  let base = 0
  let t0 = 0
  for (const s of stages) {
    const a = s.ms > 0 ? (s.to - s.from) / s.ms : 0
    const total = ((s.from + s.to) / 2) * s.ms
    while (k < base + total - 1e-9) {
      const n = k - base
      const t = a === 0 ? n / s.from : (-s.from + Math.sqrt(s.from * s.from + 2 * a * n)) / a
      yield t0 + t
      k++
    }
    base += total
    t0 += s.ms
  }
}
