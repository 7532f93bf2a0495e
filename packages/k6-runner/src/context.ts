import { AsyncLocalStorage } from 'node:async_hooks'
import type { Tags } from './metrics.ts'

/** One virtual user: its own instance of the script's modules; all VUs share one event loop. */
export interface Vu {
  idInTest: number
  idInInstance: number
  iterationInInstance: number
  iterationInScenario: number
  /** `exec.vu.tags`: tags the script sets on this VU's samples */
  tags: Tags
  busy: boolean
  /** the exports of this VU's instance of the script */
  exports: Record<string, unknown>
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
  /** set while an instance of the script evaluates its top level (k6's init context) */
  init?: boolean
}

export const als = new AsyncLocalStorage<IterationContext>()

/** Wall-clock epoch ms with sub-millisecond precision, from the monotonic clock. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now()
}
