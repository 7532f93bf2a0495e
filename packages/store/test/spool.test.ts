import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows, type Store } from '../src/connection.ts'
import { loadSpool, SpoolWriter } from '../src/spool.ts'
import { openTestStore } from './helpers.ts'

let store: Store
let dir: string
let cleanup: () => Promise<void>

beforeAll(async () => {
  ;({ store, dir, cleanup } = await openTestStore('spool'))
}, 60_000)
afterAll(async () => cleanup?.(), 60_000)

const count = async (table: string, runId: string) =>
  Number(
    (
      await queryRows<{ c: number }>(
        store,
        `SELECT count() AS c FROM ${store.t(table)} FINAL WHERE run_id = {r:String}`,
        { r: runId },
      )
    )[0]?.c,
  )

describe('SpoolWriter + loadSpool', () => {
  it('many writers, one file each; the loader inserts every row once and marks files done', async () => {
    const spool = join(dir, 'spool-a')
    const writers = [0, 1, 2].map(
      (i) => new SpoolWriter({ dir: spool, writerId: `platform-${i}`, batchLines: 7, segmentLines: 40 }),
    )
    for (let n = 0; n < 100; n++) {
      const w = writers[n % 3] as SpoolWriter
      w.append('events', {
        event_id: `e-${n}`,
        run_id: 'run-a',
        kind: 'order.paid',
        sim_time: 1_668_096_000_000 + n,
        amount_fen: 100 * n,
      })
      if (n % 10 === 0) {
        w.append('payouts', {
          payout_id: `p-${n}`,
          run_id: 'run-a',
          cause: 'late_shipment',
          rule_id: 'SHIP-4',
          amount_fen: 500,
          wave: 1,
        })
        w.append('sla_verdicts', { verdict_id: `v-${n}`, metric: 'pickup_48h', ok: 1, rule_id: 'SHIP-1' })
      }
    }
    await Promise.all(writers.map((w) => w.close()))
    const files = readdirSync(spool)
    expect(files.every((f) => f.endsWith('.ndjson'))).toBe(true)
    expect(new Set(files.map((f) => f.split('-').slice(0, 2).join('-'))).size).toBe(3)

    const res = await loadSpool(store, spool, { runId: 'run-a', batchRows: 13 })
    expect(res.rows).toEqual({ events: 100, payouts: 10, sla_verdicts: 10, runs: 0 })
    expect(res.badLines).toEqual([])
    expect(readdirSync(spool).every((f) => f.endsWith('.ndjson.done'))).toBe(true)
    expect(await count('events', 'run-a')).toBe(100)
    expect(await count('payouts', 'run-a')).toBe(10)
    // run_id was missing on verdicts: the loader filled it in.
    expect(await count('sla_verdicts', 'run-a')).toBe(10)
    const [sum] = await queryRows<{ s: number }>(
      store,
      `SELECT sum(amount_fen) AS s FROM ${store.t('events')} FINAL WHERE run_id = 'run-a'`,
    )
    expect(Number(sum?.s)).toBe(495_000)
  })

  it('replaying a file (loader died before marking it done) does not double-count', async () => {
    const spool = join(dir, 'spool-b')
    const w = new SpoolWriter({ dir: spool, writerId: 'sim' })
    for (let n = 0; n < 20; n++)
      w.append('payouts', {
        payout_id: `p-${n}`,
        run_id: 'run-b',
        cause: 'oversell',
        rule_id: 'STOCK-1',
        amount_fen: 1000,
      })
    await w.close()
    const [file] = readdirSync(spool)
    await loadSpool(store, spool)
    // Simulate a crash between insert and rename: put the file back and load again.
    const { renameSync } = await import('node:fs')
    renameSync(join(spool, `${file}.done`), join(spool, file as string))
    const again = await loadSpool(store, spool)
    expect(again.rows.payouts).toBe(20)
    expect(await count('payouts', 'run-b')).toBe(20)
    const [raw] = await queryRows<{ c: number }>(
      store,
      `SELECT count() AS c FROM ${store.t('payouts')} WHERE run_id = 'run-b'`,
    )
    expect(Number(raw?.c)).toBe(20)
  })

  it('two spool folders reusing a writer id and file name both load (dedup is by content)', async () => {
    for (const run of ['run-e1', 'run-e2']) {
      const w = new SpoolWriter({ dir: join(dir, `spool-${run}`), writerId: 'platform-0' })
      for (let n = 0; n < 5; n++) w.append('events', { event_id: `e-${n}`, run_id: run, kind: 'k' })
      w.append('runs', { run_id: run, kind: 'serve', status: 'passed', updated_at: 2 })
      await w.close()
      await loadSpool(store, join(dir, `spool-${run}`))
    }
    expect(await count('events', 'run-e1')).toBe(5)
    expect(await count('events', 'run-e2')).toBe(5)
    expect(await count('runs', 'run-e2')).toBe(1)
  })

  it('reports malformed lines with their line numbers and loads the rest', async () => {
    const spool = join(dir, 'spool-c')
    const w = new SpoolWriter({ dir: spool, writerId: 'x' })
    await w.flush()
    const { mkdirSync } = await import('node:fs')
    mkdirSync(spool, { recursive: true })
    writeFileSync(
      join(spool, 'manual-000001.ndjson'),
      [
        '{"table":"events","row":{"event_id":"c-1","run_id":"run-c","kind":"k"}}',
        '{"table":"events","row":{"event_id":"c-2"',
        '{"table":"nope","row":{"event_id":"c-3"}}',
        '{"table":"events","row":{"run_id":"run-c"}}',
        '{"table":"events","row":{"event_id":"c-5","run_id":"run-c","kind":"k"}}\n',
      ].join('\n'),
    )
    const res = await loadSpool(store, spool)
    expect(res.badLines.map((b) => b.line)).toEqual([2, 3, 4])
    expect(await count('events', 'run-c')).toBe(2)
  })

  it('rejects unknown tables and rows without identity at append time', () => {
    const w = new SpoolWriter({ dir: join(dir, 'spool-d') })
    // @ts-expect-error unknown table on purpose
    expect(() => w.append('orders', { id: 'x' })).toThrow(/table "orders"/)
    // @ts-expect-error missing identity on purpose
    expect(() => w.append('events', { kind: 'x' })).toThrow(/event_id/)
  })
})
