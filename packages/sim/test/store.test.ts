import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { queryRows, type Store } from '@d11/store/connection'
import { loadSpool } from '@d11/store/spool'
import { openTestStore } from '@d11/store/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCells } from '../src/grid.ts'
import { expandGrid, loadScenario, parseGridFlag } from '../src/scenario.ts'
import { PHONE } from './helpers.ts'

// Real embedded ClickHouse (chdb), one temp folder and database for this file.
describe('cells land in the store as runs of kind whatif (through the spool)', () => {
  let store: Store
  let cleanup: () => Promise<void>
  beforeAll(async () => {
    ;({ store, cleanup } = await openTestStore('sim'))
  })
  afterAll(async () => cleanup?.())

  it('payout totals per run in the store equal the simulated ones, and a re-load changes nothing', async () => {
    const spool = mkdtempSync(join(tmpdir(), 'd11-sim-spool-'))
    const base = loadScenario(PHONE)
    const runs = await runCells(expandGrid(base, [parseGridFlag('oversell.buffer=0,2%')]), {
      workers: 0,
      spoolDir: spool,
    })
    await loadSpool(store, spool)
    const sum = async () =>
      queryRows<{ run_id: string; fen: number; n: number }>(
        store,
        `SELECT run_id, sum(amount_fen) AS fen, count() AS n FROM ${store.t('payouts')} FINAL GROUP BY run_id ORDER BY run_id`,
      )
    const rows = await sum()
    for (const r of runs) {
      const row = rows.find((x) => x.run_id === r.runId)
      expect(Number(row?.fen)).toBe(r.result.payouts.totalFen)
      expect(Number(row?.n)).toBe(r.result.payouts.late_shipment.count + r.result.payouts.oversell.count)
    }
    await loadSpool(store, spool, { includeOpen: false })
    expect(await sum()).toEqual(rows)
  })
})
