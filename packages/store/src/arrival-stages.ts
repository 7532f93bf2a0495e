import { StoreError } from './errors.ts'

/**
 * `@d11/store/arrival-stages`: the target arrival rate a `ramping-arrival-rate` load asked for,
 * from the stages it ran (`stages.json` beside the k6 samples, the output of `d11 curve --k6`).
 * k6 ramps linearly from the previous target (`startRate` at t = 0) to each stage's `target`
 * over the stage's `duration`; a `0s` stage is a step. Pure functions, no clock reads.
 *
 * ```ts
 * const s = parseArrivalStages({ startRate: 2, stages: [{ target: 20, duration: '10s' }] })
 * meanTargetRate(s, 0, 10) // 11 arrivals/s
 * ```
 */

export interface ArrivalStage {
  /** Arrivals per second at the end of the stage. */
  target: number
  /** k6 duration, e.g. `10s`, `1m30s`, `500ms`, `0s`. */
  duration: string
}

export interface ArrivalStages {
  startRate: number
  stages: ArrivalStage[]
}

const UNIT_S: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 }

/** k6 duration text → seconds (`1m30s` → 90). Throws a StoreError naming the field. */
export function durationSeconds(text: string): number {
  const parts = [...String(text).matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== String(text)) {
    throw new StoreError(
      'STORE_ERR_STAGES',
      `stages[].duration: "${text}" is not a k6 duration such as 10s or 1m30s (CAL-3)`,
    )
  }
  return parts.reduce((a, p) => a + Number(p[1]) * (UNIT_S[p[2] ?? 's'] ?? 1), 0)
}

/** Validates `stages.json` content (k6 fields only are kept). */
export function parseArrivalStages(value: unknown): ArrivalStages {
  const v = value as { startRate?: unknown; stages?: unknown } | null
  if (!v || typeof v !== 'object' || !Array.isArray(v.stages)) {
    throw new StoreError('STORE_ERR_STAGES', 'stages: expected an object with a "stages" array (CAL-3)')
  }
  const startRate = Number(v.startRate ?? 0)
  if (!(Number.isFinite(startRate) && startRate >= 0)) {
    throw new StoreError('STORE_ERR_STAGES', `stages.startRate: "${v.startRate}" is not a rate >= 0 (CAL-3)`)
  }
  const stages = v.stages.map((s: { target?: unknown; duration?: unknown }, i: number) => {
    const target = Number(s?.target)
    if (!(Number.isFinite(target) && target >= 0)) {
      throw new StoreError(
        'STORE_ERR_STAGES',
        `stages[${i}].target: "${s?.target}" is not a rate >= 0 (CAL-3)`,
      )
    }
    const duration = String(s?.duration)
    durationSeconds(duration)
    return { target, duration }
  })
  return { startRate, stages }
}

/** Breakpoints (seconds from the load start, rate) of the piecewise-linear target. */
function breakpoints(s: ArrivalStages): Array<[number, number]> {
  const pts: Array<[number, number]> = [[0, s.startRate]]
  let t = 0
  for (const st of s.stages) {
    t += durationSeconds(st.duration)
    pts.push([t, st.target])
  }
  return pts
}

/** Total length of the stages, seconds. */
export function stagesSeconds(s: ArrivalStages): number {
  return breakpoints(s).at(-1)?.[0] ?? 0
}

/**
 * Mean target rate (arrivals/s) over `[fromS, toS)` seconds after the load start: the integral
 * of the ramp divided by the span. Outside the stages the target is 0.
 */
export function meanTargetRate(s: ArrivalStages, fromS: number, toS: number): number {
  if (!(toS > fromS)) return 0
  const pts = breakpoints(s)
  let area = 0
  for (let i = 1; i < pts.length; i++) {
    const [t0, r0] = pts[i - 1] as [number, number]
    const [t1, r1] = pts[i] as [number, number]
    const a = Math.max(t0, fromS)
    const b = Math.min(t1, toS)
    if (!(b > a) || !(t1 > t0)) continue
    const at = (t: number) => r0 + ((r1 - r0) * (t - t0)) / (t1 - t0)
    area += ((at(a) + at(b)) / 2) * (b - a)
  }
  return area / (toS - fromS)
}
