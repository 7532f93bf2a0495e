import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Store } from '@d11/store/connection'
import { ingestK6 } from '@d11/store/ingest-k6'
import { k6SynthLines } from '@d11/store/k6-synth'
import { upsertRun } from '@d11/store/runs'
import { loadSpool, SpoolWriter } from '@d11/store/spool'
import { openTestStore } from '@d11/store/testing'

export { openTestStore }

const T0 = Date.UTC(2022, 10, 10, 16) // 2022-11-11 00:00 +08:00

/** Loads a small but complete run: k6 samples, SLA verdicts and payouts over three hours. */
export async function seedRun(
  store: Store,
  dir: string,
  runId: string,
  k6: Parameters<typeof k6SynthLines>[0] = {},
) {
  const file = join(dir, `${runId}.json`)
  writeFileSync(file, `${[...k6SynthLines({ seconds: 240, rate: 15, ...k6 })].join('\n')}\n`)
  await ingestK6(store, file, { runId })
  await upsertRun(
    store,
    {
      runId,
      kind: 'load',
      status: 'passed',
      seed: 7,
      scale: 'tiny',
      calendar: '2022',
      scenario: 'spot-open',
    },
    1,
  )
  const spool = join(dir, `spool-${runId}`)
  const w = new SpoolWriter({ dir: spool, writerId: 'seed' })
  for (let i = 0; i < 60; i++) {
    const m = `m-00000${i % 6}`
    const late = i % 3 !== 0
    w.append('payouts', {
      payout_id: `${runId}-p${i}`,
      run_id: runId,
      merchant_id: m,
      sku_id: `s-${i % 9}`,
      cause: late ? 'late_shipment' : i % 2 ? 'oversell' : 'price_protection',
      rule_id: late ? 'PAY-1' : i % 2 ? 'PAY-3' : 'PRICE-1',
      amount_fen: 500 + ((i * 7919) % 50_000),
      wave: 2,
      sim_time: T0 + (i % 3) * 3_600_000 + i,
    })
    w.append('sla_verdicts', {
      verdict_id: `${runId}-v${i}`,
      run_id: runId,
      merchant_id: m,
      metric: 'pickup_48h',
      rule_id: 'SHIP-1',
      ok: i % 4 ? 1 : 0,
    })
    w.append('sla_verdicts', {
      verdict_id: `${runId}-r${i}`,
      run_id: runId,
      merchant_id: m,
      metric: 'reply_rate',
      rule_id: 'EXP-1',
      ok: 1,
      value: 0.9,
    })
  }
  await w.close()
  await loadSpool(store, spool)
}
