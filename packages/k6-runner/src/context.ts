import { AsyncLocalStorage } from 'node:async_hooks'
import type { Tags } from './metrics.ts'

/** One virtual user. All VUs share one module instance and one event loop (see README). */
export interface Vu {
  idInTest: number
  idInInstance: number
  iterationInInstance: number
  iterationInScenario: number
  /** `exec.vu.tags`: tags the script sets on this VU's samples */
  tags: Tags
  busy: boolean
}

/** What a running scenario exposes to `k6/execution` and to sample tags. */
export interface ScenarioState {
  name: string
  executor: string
  /** epoch ms when the scenario started */
  startTime: number
  startPerf: number
  durationMs: number
  iterations: number
  /** options.tags + scenario tags + `scenario` */
  tags: Tags
  env: Record<string, string>
  signal: AbortSignal
}

/** The per-iteration context that follows every `await` (AsyncLocalStorage). */
export interface IterationContext {
  vu: Vu
  scenario: ScenarioState | undefined
  iterationInScenario: number
  /** `''` at the root, `'::name'` inside `group('name')`, `'::setup'` in setup() */
  group: string
  env: Record<string, string>
}

export const als = new AsyncLocalStorage<IterationContext>()

/** Wall-clock epoch ms with sub-millisecond precision, from the monotonic clock. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now()
}
