import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSummary, warmupSpan } from '../src/analysis.ts'
import type { Store } from '../src/connection.ts'
import { ingestSynthLoad, type K6SynthOptions } from '../src/k6-synth.ts'
import {
  BEND_FACTOR,
  baselineOf,
  bendThreshold,
  findBend,
  latencyBend,
  niceStep,
} from '../src/latency-bend.ts'
import { upsertRun } from '../src/runs.ts'
import { openTestStore } from './helpers.ts'

let store: Store
let dir: string
let cleanup: () => Promise<void>
const T0 = Date.UTC(2022, 10, 10, 15, 50) // 2022-11-10 23:50 +08:00

/** The platform's latency at `rate` arrivals/s: flat 20 ms up to 120/s, then climbing 3 ms per 1/s. */
const latencyAt = (rate: number) => (rate < 120 ? 20 : 20 + (rate - 120) * 3)

async function seed(
  runId: string,
  peakRps: number,
  opts: { seed?: number; startedAt: number; warmup?: boolean },
) {
  const files: K6SynthOptions[] = [
    // 120 s ramping from peak/10 to the peak; scenario requests tagged as measured
    {
      start: T0 + 10_000,
      seconds: 120,
      rateAt: (s) => Math.round(peakRps / 10 + (peakRps * 0.9 * s) / 119),
      latencyAt,
      errorRate: 0,
      scenario: 'checkout',
      tags: { phase: 'peak' },
    },
  ]
  // a cold warm-up before it: slow, low-rate, and never part of the curve
  if (opts.warmup) files.push({ start: T0, seconds: 10, rate: 12, latencyMs: 2000, scenario: 'warmup' })
  await ingestSynthLoad(store, dir, runId, files, 3)
  await upsertRun(
    store,
    {
      runId,
      kind: 'load',
      status: 'passed',
      seed: opts.seed ?? 7,
      scale: 'tiny',
      calendar: '2022',
      scenario: 'peak-nov11',
      parameters: { peakRps, slos: { 'orders.place': [500, 1500], 'orders.pay': [300, 1000] } },
      startedAt: opts.startedAt,
    },
    opts.startedAt,
  )
}

beforeAll(async () => {
  ;({ store, dir, cleanup } = await openTestStore('bend'))
  await seed('run-100-old', 100, { startedAt: 1 })
  await seed('run-100', 100, { startedAt: 2, warmup: true })
  await seed('run-200', 200, { startedAt: 3 })
  // another world (seed): never overlaid
  await seed('run-300-other-seed', 300, { startedAt: 4, seed: 8 })
}, 120_000)
afterAll(async () => cleanup?.(), 60_000)

describe('latency against the achieved arrival rate', () => {
  it('overlays the run and the other stored run of the same scenario and world at another peak rate', async () => {
    const b = await latencyBend(store, 'run-100')
    // this run first; the older run at the same rate and the other seed's run are not overlaid
    expect(b.runs.map((r) => [r.runId, r.peakRps])).toEqual([
      ['run-100', 100],
      ['run-200', 200],
    ])
    expect(b.binWidth).toBe(niceStep(200 / 20))
    const [low, high] = b.runs
    expect(low!.points.length).toBeGreaterThan(4)
    expect(high!.points.length).toBeGreaterThan(low!.points.length)
    expect(Math.max(...low!.points.map((p) => p.rate))).toBeLessThanOrEqual(100)
    expect(Math.max(...high!.points.map((p) => p.rate))).toBeGreaterThan(180)
    for (const p of [...low!.points, ...high!.points]) {
      expect(p.requests).toBeGreaterThanOrEqual(100)
      expect(p.p99).toBeGreaterThanOrEqual(p.p50)
    }
    // the warm-up (12/s at 2 s) is left out: the lowest rates are the fast ones
    expect(b.baseline!.p99).toBeLessThan(100)
    expect(Math.min(...low!.points.map((p) => p.rate))).toBeGreaterThanOrEqual(10)
  })

  it('names the rate where p99 bends: the first past twice the p99 at the lowest rates', async () => {
    const b = await latencyBend(store, 'run-200')
    expect(b.runs.map((r) => r.runId)).toEqual(['run-200', 'run-100'])
    expect(b.sloP99).toBe(1000)
    expect(b.bend?.reason).toBe('factor')
    // latency is flat to 120/s and climbs after: p99 doubles a little past it
    expect(b.bend!.rate).toBeGreaterThan(120)
    expect(b.bend!.rate).toBeLessThan(170)
    expect(b.bend!.p99).toBeGreaterThan(bendThreshold(b.baseline!.p99))
    const before = b.pooled.filter((p) => p.rate < b.bend!.rate)
    expect(before.length).toBeGreaterThan(5)
    for (const p of before) expect(p.p99).toBeLessThanOrEqual(bendThreshold(b.baseline!.p99))
  })

  it('a single run: no other world overlaid; the bend needs two adjacent slow bins over a robust baseline', async () => {
    const b = await latencyBend(store, 'run-300-other-seed')
    expect(b.runs.map((r) => r.runId)).toEqual(['run-300-other-seed'])
    expect(b.bend).not.toBeNull() // 300/s reaches the climbing part
    const pt = (rate: number, p99: number) => ({ rate, seconds: 5, requests: 500, p50: p99 / 3, p99 })
    // baseline: the median of the three lowest bins (one slow low bin does not set it)
    expect(baselineOf([pt(10, 30), pt(20, 90), pt(30, 32)])).toEqual({ p99: 32, upToRate: 30 })
    // a single slow bin is no bend; two adjacent ones are
    expect(
      findBend([pt(10, 30), pt(20, 31), pt(30, 29), pt(40, 95), pt(50, 40), pt(60, 45)], null),
    ).toBeNull()
    expect(findBend([pt(10, 30), pt(20, 31), pt(30, 29), pt(40, 95), pt(50, 85), pt(60, 45)], null)).toEqual({
      rate: 40,
      p99: 95,
      reason: 'factor',
    })
    // twice the baseline is not enough on a fast platform: p99 must also rise 50 ms
    expect(bendThreshold(3)).toBe(53)
    expect(bendThreshold(200)).toBe(BEND_FACTOR * 200)
    expect(
      findBend([pt(10, 3), pt(20, 3), pt(30, 3), pt(40, 8), pt(50, 9), pt(60, 60), pt(70, 70)], null),
    ).toEqual({
      rate: 60,
      p99: 60,
      reason: 'factor',
    })
    // past the SLO before twice the baseline
    expect(findBend([pt(10, 30), pt(20, 50), pt(30, 50), pt(40, 52)], 45)).toEqual({
      rate: 20,
      p99: 50,
      reason: 'slo',
    })
  })

  it('the warm-up is found by its span and left out of the summary figures', async () => {
    const span = await warmupSpan(store, 'run-100')
    expect(span!.from).toBe(T0)
    expect(span!.to).toBeLessThan(T0 + 10_000)
    expect(await warmupSpan(store, 'run-200')).toBeUndefined()
    // the same measured samples, with and without a warm-up before them
    const withWarmup = await loadSummary(store, 'run-100')
    const without = await loadSummary(store, 'run-100-old')
    expect(withWarmup.requests).toBe(without.requests)
    expect(withWarmup.p99).toBeCloseTo(without.p99, 6)
    expect(withWarmup.p99).toBeLessThan(1000)
  })

  it('a run with no samples has no curve', async () => {
    const b = await latencyBend(store, 'missing')
    expect(b.runs).toEqual([])
    expect(b.bend).toBeNull()
  })
})
