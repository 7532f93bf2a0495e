/**
 * `@d11/store/k6-synth`: deterministic synthetic k6 `--out json` output for tests, benchmarks and
 * demos (seeded LCG, fixed start time; never `Math.random` or the wall clock). Emits the metric
 * declarations and, per virtual second, `d11_target_rate`, `iterations`, `http_reqs`,
 * `http_req_duration`, `http_req_failed` points and `dropped_iterations` when behind target.
 */

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { toShanghaiIso as isoShanghai } from '@d11/time/shanghai'
import type { Store } from './connection.ts'
import { ingestK6 } from './ingest-k6.ts'

export interface K6SynthOptions {
  /** @default 1 */
  seed?: number
  /** First sample time, epoch ms. @default 2022-11-11T00:00:00+08:00 */
  start?: number
  /** Simulated seconds. @default 180 */
  seconds?: number
  /** Target arrivals per second (`d11_target_rate`). @default 20 */
  rate?: number
  /** Scenario tag. @default 'spot-open' */
  scenario?: string
  /** Median latency, ms. @default 40 */
  latencyMs?: number
  /** Share of failed requests, 0..1. @default 0.01 */
  errorRate?: number
  /** Share of target arrivals actually started, 0..1. @default 1 */
  achieved?: number
  /** Target rate per second instead of the constant `rate` (index = second). */
  rateAt?: (second: number) => number
  /** Median latency (ms) of a second whose target is `rate` instead of the constant `latencyMs`. */
  latencyAt?: (rate: number) => number
  /** Extra tags on every point, e.g. `{ phase: 'peak' }`. */
  tags?: Record<string, string>
}

const START = Date.UTC(2022, 10, 10, 16, 0, 0) // 2022-11-11T00:00:00+08:00

/** Yields NDJSON lines (without newline). */
export function* k6SynthLines(opts: K6SynthOptions = {}): Generator<string> {
  let state = (opts.seed ?? 1) >>> 0 || 1
  const rnd = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 4_294_967_296
  }
  const start = opts.start ?? START
  const rate = opts.rate ?? 20
  const scenario = opts.scenario ?? 'spot-open'
  const latency = opts.latencyMs ?? 40
  const errorRate = opts.errorRate ?? 0.01
  const achieved = opts.achieved ?? 1
  const decl = (name: string, type: string, contains = 'default') =>
    JSON.stringify({
      type: 'Metric',
      data: { name, type, contains, thresholds: [], submetrics: null },
      metric: name,
    })
  yield decl('d11_target_rate', 'gauge')
  yield decl('iterations', 'counter')
  yield decl('dropped_iterations', 'counter')
  yield decl('http_reqs', 'counter')
  yield decl('http_req_duration', 'trend', 'time')
  yield decl('http_req_failed', 'rate')
  const point = (metric: string, ms: number, value: number, tags: Record<string, string>) =>
    JSON.stringify({ type: 'Point', metric, data: { time: isoShanghai(ms), value, tags } })
  const base = { ...opts.tags, scenario }
  for (let s = 0; s < (opts.seconds ?? 180); s++) {
    const t0 = start + s * 1000
    const target = opts.rateAt ? opts.rateAt(s) : rate
    const median = opts.latencyAt ? opts.latencyAt(target) : latency
    yield point('d11_target_rate', t0, target, base)
    const started = Math.round(target * achieved)
    if (started < target) yield point('dropped_iterations', t0, target - started, base)
    for (let i = 0; i < started; i++) {
      const t = t0 + Math.floor((i * 1000) / Math.max(started, 1))
      const failed = rnd() < errorRate
      const status = failed ? '503' : '200'
      const tags = { ...base, method: 'POST', name: '/orders', status, expected_response: String(!failed) }
      // log-normal-ish latency around the median
      const ms = median * Math.exp((rnd() + rnd() + rnd() - 1.5) * 0.8)
      yield point('http_reqs', t, 1, tags)
      yield point('http_req_duration', t, Math.round(ms * 1000) / 1000, tags)
      yield point('http_req_failed', t, failed ? 1 : 0, tags)
      yield point('iterations', t, 1, base)
    }
  }
}

/**
 * One synthetic load made of `parts` (a warm-up, the measured scenarios, …): each written as its
 * own k6 JSON file under `dir` (seeds `firstSeed`, `firstSeed + 1`, …) and ingested as `runId`.
 */
export async function ingestSynthLoad(
  store: Store,
  dir: string,
  runId: string,
  parts: readonly K6SynthOptions[],
  firstSeed = 1,
): Promise<void> {
  for (const [i, part] of parts.entries()) {
    const file = join(dir, `${runId}-${i}.json`)
    writeFileSync(file, `${[...k6SynthLines({ seed: firstSeed + i, ...part })].join('\n')}\n`)
    await ingestK6(store, file, { runId })
  }
}
