import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  arrivalByMinute,
  errorRateByMinute,
  latencyByMinute,
  loadSummary,
  oversellPayouts,
  payoutSummary,
  payoutsBy,
  payoutsByHour,
  slaByMerchant,
  slaCompliance,
  topMerchantsByPayout,
} from '../src/analysis.ts'
import type { Store } from '../src/connection.ts'
import { ingestK6 } from '../src/ingest-k6.ts'
import { k6SynthLines } from '../src/k6-synth.ts'
import { getRun, listRuns, upsertRun } from '../src/runs.ts'
import { loadSpool, SpoolWriter } from '../src/spool.ts'
import { openTestStore } from './helpers.ts'

let store: Store
let dir: string
let cleanup: () => Promise<void>
let points = 0
const H = 3_600_000
const T0 = Date.UTC(2022, 10, 10, 16) // 2022-11-11 00:00 +08:00

beforeAll(async () => {
  ;({ store, dir, cleanup } = await openTestStore('analysis'))
  // 150 s at 10/s target, 80 % achieved, 40 ms median, 5 % errors.
  const file = join(dir, 'k6.json')
  writeFileSync(
    file,
    `${[...k6SynthLines({ seconds: 150, rate: 10, achieved: 0.8, errorRate: 0.05 })].join('\n')}\n`,
  )
  points = (await ingestK6(store, file, { runId: 'run-x' })).points
  await upsertRun(
    store,
    { runId: 'run-x', kind: 'load', status: 'passed', seed: 42, parameters: { targetRate: 10 } },
    1,
  )

  const w = new SpoolWriter({ dir: join(dir, 'spool') })
  // m-1: 3 late shipments (SHIP-1 / PAY-1), m-2: 1 oversell (PAY-3), at 00:xx and 01:xx.
  const pay = (
    id: string,
    m: string,
    cause: 'late_shipment' | 'oversell',
    fen: number,
    t: number,
    sku = 's-1',
  ) =>
    w.append('payouts', {
      payout_id: id,
      run_id: 'run-x',
      merchant_id: m,
      sku_id: sku,
      cause,
      rule_id: cause === 'oversell' ? 'PAY-3' : 'PAY-1',
      amount_fen: fen,
      wave: 2,
      sim_time: t,
    })
  pay('p1', 'm-1', 'late_shipment', 50_000, T0 + 10)
  pay('p2', 'm-1', 'late_shipment', 50_000, T0 + H + 10)
  pay('p3', 'm-1', 'late_shipment', 500, T0 + H + 20)
  pay('p4', 'm-2', 'oversell', 50_000, T0 + H + 30, 's-9')
  const v = (
    id: string,
    m: string,
    metric: 'pickup_48h' | 'trace_24h' | 'reply_rate' | 'manual_response_time' | 'experience_score',
    ok: 0 | 1,
    value = 0,
    rule = 'SHIP-1',
  ) =>
    w.append('sla_verdicts', {
      verdict_id: id,
      run_id: 'run-x',
      merchant_id: m,
      metric,
      ok,
      value,
      rule_id: rule,
    })
  v('v1', 'm-1', 'pickup_48h', 1)
  v('v2', 'm-1', 'pickup_48h', 0)
  v('v3', 'm-1', 'pickup_48h', 0)
  v('v4', 'm-1', 'pickup_48h', 1)
  v('v5', 'm-1', 'trace_24h', 1, 0, 'SHIP-2')
  v('v6', 'm-1', 'reply_rate', 1, 0.9, 'EXP-1')
  v('v7', 'm-1', 'manual_response_time', 0, 45, 'EXP-2')
  v('v8', 'm-1', 'experience_score', 1, 4.5, 'EXP-3')
  v('v9', 'm-2', 'pickup_48h', 1)
  await w.close()
  await loadSpool(store, join(dir, 'spool'))
  await loadSpool(store, join(dir, 'spool'), { includeOpen: true }) // nothing left: no-op
}, 60_000)
afterAll(async () => cleanup?.(), 60_000)

describe('analysis', () => {
  it('latency p50/p95/p99 per scenario per minute, ordered and monotone', async () => {
    const rows = await latencyByMinute(store, 'run-x')
    expect(rows.map((r) => r.minute)).toEqual([T0, T0 + 60_000, T0 + 120_000])
    expect(rows.map((r) => r.requests)).toEqual([480, 480, 240])
    for (const r of rows) {
      expect(r.scenario).toBe('spot-open')
      expect(r.p50).toBeGreaterThan(20)
      expect(r.p50).toBeLessThan(80)
      expect(r.p95).toBeGreaterThanOrEqual(r.p50)
      expect(r.p99).toBeGreaterThanOrEqual(r.p95)
    }
  })

  it('error rate, dropped iterations and achieved vs target arrival rate', async () => {
    const errs = await errorRateByMinute(store, 'run-x')
    const failed = errs.reduce((a, e) => a + e.failed, 0)
    const total = errs.reduce((a, e) => a + e.requests, 0)
    expect(total).toBe(1200)
    expect(failed / total).toBeGreaterThan(0.02)
    expect(failed / total).toBeLessThan(0.09)
    const arrival = await arrivalByMinute(store, 'run-x')
    expect(arrival).toHaveLength(3)
    for (const a of arrival) {
      expect(a.targetRate).toBeCloseTo(10, 6)
      expect(a.achievedRate).toBeCloseTo(8, 6)
    }
    expect(arrival.map((a) => a.dropped)).toEqual([120, 120, 60])
    const sum = await loadSummary(store, 'run-x')
    expect(sum).toMatchObject({ requests: 1200, iterations: 1200, dropped: 300, failed })
    expect(sum.achievedRatio).toBeCloseTo(0.8, 6)
  })

  it('SLA compliance and per-merchant pickup / trace / EXP-1 / EXP-2 / EXP-3', async () => {
    const c = await slaCompliance(store, 'run-x')
    expect(c.find((x) => x.metric === 'pickup_48h')).toMatchObject({
      verdicts: 5,
      ok: 3,
      rate: 0.6,
      ruleId: 'SHIP-1',
    })
    const m = await slaByMerchant(store, 'run-x')
    expect(m[0]).toEqual({
      merchantId: 'm-1',
      pickup48hRate: 0.5,
      trace24hRate: 1,
      replyRate: 0.9,
      manualResponseSec: 45,
      experienceScore: 4.5,
      failed: 3,
    })
    expect(m[1]).toMatchObject({ merchantId: 'm-2', pickup48hRate: 1, replyRate: null })
  })

  it('payouts by cause, rule, merchant, wave, hour; top merchants; oversell', async () => {
    expect(await payoutsBy(store, 'run-x', 'cause')).toEqual([
      { key: 'late_shipment', payouts: 3, amountFen: 100_500 },
      { key: 'oversell', payouts: 1, amountFen: 50_000 },
    ])
    expect((await payoutsBy(store, 'run-x', 'rule_id')).map((r) => r.key)).toEqual(['PAY-1', 'PAY-3'])
    expect(await payoutsBy(store, 'run-x', 'wave')).toEqual([{ key: '2', payouts: 4, amountFen: 150_500 }])
    expect((await topMerchantsByPayout(store, 'run-x', 1)).map((r) => r.key)).toEqual(['m-1'])
    expect(await oversellPayouts(store, 'run-x')).toEqual([
      { key: 's-9', merchantId: 'm-2', payouts: 1, amountFen: 50_000 },
    ])
    expect(await payoutsByHour(store, 'run-x')).toEqual([
      { hour: T0, cause: 'late_shipment', payouts: 1, amountFen: 50_000 },
      { hour: T0 + H, cause: 'late_shipment', payouts: 2, amountFen: 50_500 },
      { hour: T0 + H, cause: 'oversell', payouts: 1, amountFen: 50_000 },
    ])
    expect(await payoutSummary(store, 'run-x')).toEqual({
      payouts: 4,
      amountFen: 150_500,
      oversellFen: 50_000,
    })
  })

  it('without a d11_target_rate metric the target comes from the run parameters', async () => {
    const file = join(dir, 'no-target.json')
    const lines = [...k6SynthLines({ seconds: 60, rate: 6 })].filter((l) => !l.includes('"d11_target_rate"'))
    writeFileSync(file, `${lines.join('\n')}\n`)
    await ingestK6(store, file, { runId: 'run-p' })
    await upsertRun(
      store,
      { runId: 'run-p', kind: 'load', status: 'passed', parameters: { targetRate: 12 } },
      1,
    )
    const [a] = await arrivalByMinute(store, 'run-p')
    expect(a?.targetRate).toBe(12)
    expect(a?.achievedRate).toBeCloseTo(6, 6)
  })

  it('run manifests: latest version wins; listRuns sees the run', async () => {
    await upsertRun(
      store,
      { runId: 'run-x', kind: 'load', status: 'failed', seed: 42, parameters: { targetRate: 10 } },
      2,
    )
    expect(await getRun(store, 'run-x')).toMatchObject({
      status: 'failed',
      seed: 42,
      parameters: { targetRate: 10 },
    })
    const runs = await listRuns(store)
    expect(runs.map((r) => r.runId)).toEqual(['run-p', 'run-x'])
    expect(runs[1]).toEqual({ runId: 'run-x', kind: 'load', status: 'failed', k6Samples: points })
    await expect(upsertRun(store, { runId: 'r', kind: 'nope' as 'load', status: 'passed' })).rejects.toThrow(
      /kind "nope"/,
    )
  })
})
