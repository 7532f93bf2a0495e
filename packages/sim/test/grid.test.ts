import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type CellRun, cellSeed, runCell, type Seeding } from '../src/cell.ts'
import { cellInputs } from '../src/cell-inputs.ts'
import { simulate } from '../src/engine.ts'
import type { SimError } from '../src/errors.ts'
import { dispatchOrder, GridPool, runCells } from '../src/grid.ts'
import { whatIfReport } from '../src/report.ts'
import { expandGrid, gridAxesOf, loadScenario, parseGridFlag } from '../src/scenario.ts'
import { EXAMPLES } from './helpers.ts'

const small = (s: ReturnType<typeof loadScenario>) => ({
  ...s,
  arrivals: { ...s.arrivals, orders: 4000 },
  skus: [{ ...s.skus[0]!, stock: 2000 }],
  restock: [{ at: '2020-11-14T10:00:00+08:00', units: 200 }],
})

describe('grid runs across worker threads', () => {
  const base = small(loadScenario(`${EXAMPLES}phone-oversell-grid.yaml`))
  const axes = gridAxesOf(base)
  const cells = expandGrid(base, axes)

  it('the example grid has 3 × 3 cells over buffer and capacity', () => {
    expect(axes.map((a) => a.path)).toEqual(['oversell.buffer', 'warehouse.picksPerHour'])
    expect(cells).toHaveLength(9)
  })

  it('workers give the same results as one thread, in cell order, and write evidence to the spool', async () => {
    const spool = mkdtempSync(join(tmpdir(), 'd11-sim-spool-'))
    // no onCell callback here: the pool must settle without one
    const inWorkers = await runCells(cells, { workers: 2, spoolDir: spool })
    let calls = 0
    const inThread = await runCells(cells, { workers: 0, onCell: () => calls++ })
    expect(calls).toBe(9)
    expect(inWorkers.map((r) => r.result)).toEqual(inThread.map((r) => r.result))
    expect(inWorkers.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])

    // one spool file per cell (run); payout rows add up to the cell's total
    const files = readdirSync(spool).filter((f) => f.endsWith('.ndjson'))
    expect(files).toHaveLength(9)
    for (const run of inWorkers) {
      const file = files.find((f) => f.startsWith(run.runId))
      expect(file).toBeDefined()
      const rows = readFileSync(join(spool, file!), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { table: string; row: Record<string, unknown> })
      const paid = rows
        .filter((r) => r.table === 'payouts')
        .reduce((a, r) => a + (r.row.amount_fen as number), 0)
      expect(paid).toBe(run.result.payouts.totalFen)
      expect(rows.every((r) => r.row.run_id === run.runId)).toBe(true)
      expect(rows.every((r) => Number.isInteger(r.row.sim_time))).toBe(true)
      const summary = rows.find((r) => r.table === 'events' && r.row.kind === 'whatif_cell')
      expect(JSON.parse(summary!.row.detail as string).result).toEqual(run.result)
    }
  })

  /** A run's results and the bytes of its spool, file by file (run ids name the files). */
  const snapshot = (runs: CellRun[], spool: string) => ({
    runs: JSON.stringify(runs),
    spool: readdirSync(spool)
      .filter((f) => f.endsWith('.ndjson'))
      .sort()
      .map((f) => [f, readFileSync(join(spool, f), 'utf8')]),
  })

  for (const seeding of ['common', 'per-cell'] as Seeding[]) {
    it(`--seeding ${seeding}: 1 thread, caller + 1 worker and 2 workers alone give byte-identical results and spools`, async () => {
      const on = async (opts: { workers: number; callerRuns?: boolean }) => {
        const spool = mkdtempSync(join(tmpdir(), 'd11-sim-spool-'))
        const runs = await runCells(cells, { ...opts, seeding, spoolDir: spool, wallTime: 1_700_000_000_000 })
        return snapshot(runs, spool)
      }
      const one = await on({ workers: 1 })
      expect(one.spool).toHaveLength(9)
      expect(await on({ workers: 2 })).toEqual(one)
      // every cell in worker threads (callerRuns: false), so the worker path is surely taken
      expect(await on({ workers: 2, callerRuns: false })).toEqual(one)
    })
  }

  it('cells with the same arrivals share one draw per thread, the one simulate would make', async () => {
    const seed = cellSeed(base, cells[0]!.params, 'common')
    const a = await cellInputs(cells[0]!.scenario, seed)
    expect((await cellInputs(cells[4]!.scenario, seed)).arrivals).toBe(a.arrivals) // other buffer and capacity
    const perCell = cellSeed(base, cells[4]!.params, 'per-cell')
    expect((await cellInputs(cells[4]!.scenario, perCell)).arrivals).not.toBe(a.arrivals)
    const more = { ...base, arrivals: { ...base.arrivals, orders: 4001 } }
    expect((await cellInputs(more, seed)).arrivals.times).toHaveLength(4001)
    // a cell's result is the engine's own, drawing its arrivals itself; the third run takes the
    // first one's arrays again, so an engine that wrote into them would fail here
    for (const seeding of ['common', 'per-cell', 'common'] as Seeding[]) {
      const run = await runCell(cells[4]!, { seeding })
      expect(run.result).toEqual(simulate(cells[4]!.scenario, { seed: run.seed }))
    }
  })

  it('a thread count that is not a whole number >= 0 is refused, naming workers', () => {
    expect(() => GridPool.start(-1)).toThrow(/workers: must be a whole number >= 0, got -1/)
    expect(() => GridPool.start(1.5)).toThrow(/workers: must be a whole number >= 0, got 1.5/)
  })

  it('threads take cells largest first, ties in grid order', () => {
    const sized = expandGrid(base, [parseGridFlag('arrivals.orders=1000,9000,4000,9000')])
    expect([...dispatchOrder(sized)]).toEqual([1, 3, 2, 0])
  })

  it('a started pool runs several grids, counts the cells each thread ran, and closes', async () => {
    const pool = GridPool.start(2, { callerRuns: false })
    try {
      await pool.ready()
      const first = await runCells(cells, { pool })
      // this thread ran none; the two workers shared the nine
      const split = pool.lastRun?.cellsPerThread ?? []
      expect(split).toHaveLength(3)
      expect(split[0]).toBe(0)
      expect(split.reduce((a, b) => a + b)).toBe(9)
      expect(pool.lastRun?.busyMsPerThread[0]).toBe(0)
      expect(pool.lastRun?.busyMsPerThread.slice(1).reduce((a, b) => a + b)).toBeGreaterThan(0)
      const second = await runCells(cells.slice(0, 3), { pool, seeding: 'per-cell' })
      expect(second.map((r) => r.id)).toEqual(cells.slice(0, 3).map((c) => c.id))
      expect(pool.lastRun?.cellsPerThread.reduce((a, b) => a + b)).toBe(3)
      expect(first.map((r) => r.result)).toEqual((await runCells(cells, { workers: 1 })).map((r) => r.result))
    } finally {
      await pool.close()
    }
  })

  it("a failing cell rejects the grid with its id and its error's code, whichever thread ran it", async () => {
    const broken = expandGrid(
      { ...base, skus: [], arrivals: { ...base.arrivals, world: '/nonexistent/d11-world' } },
      [parseGridFlag('oversell.buffer=0,2%')],
    )
    const failure = (workers: number, callerRuns = true) =>
      runCells(broken, { workers, callerRuns }).then(
        () => undefined,
        (err: SimError) => ({ code: err.code, message: err.message }),
      )
    const inThread = await failure(1)
    expect(inThread).toEqual({
      code: 'SIM_ERR_SCENARIO',
      message: expect.stringMatching(
        /^cell oversell\.buffer=0: arrivals\.world: cannot read "\/nonexistent\/d11-world"/,
      ),
    })
    // in a worker: the same error; which cell failed first depends on the scheduling
    const inWorker = await failure(2, false)
    expect(inWorker?.code).toBe('SIM_ERR_SCENARIO')
    expect(inWorker?.message.replace(/^cell [^:]+:/, '')).toBe(inThread?.message.replace(/^cell [^:]+:/, ''))
  })

  it('more buffer and more capacity never cost more in this grid', async () => {
    const runs = await runCells(cells, { workers: 0 })
    const at = (b: number, c: number) =>
      runs.find((r) => r.params['oversell.buffer'] === b && r.params['warehouse.picksPerHour'] === c)!.result
        .payouts.totalFen
    for (const b of [0, 2, 5]) {
      expect(at(b, 1000)).toBeLessThanOrEqual(at(b, 400))
      expect(at(b, 4000)).toBeLessThanOrEqual(at(b, 1000))
    }
    for (const c of [400, 1000, 4000]) expect(at(5, c)).toBeLessThanOrEqual(at(0, c))
  })

  it('per-cell seeding derives each seed from (seed, cell parameters)', () => {
    const a = cellSeed(base, cells[0]!.params, 'per-cell')
    expect(cellSeed(base, cells[0]!.params, 'per-cell')).toBe(a)
    expect(cellSeed(base, cells[1]!.params, 'per-cell')).not.toBe(a)
    expect(cellSeed(base, cells[1]!.params, 'common')).toBe(base.seed)
  })

  it('the report is one self-contained HTML file with a heatmap, payouts by cause and the cell table', async () => {
    const grid = [parseGridFlag('oversell.buffer=0,5%'), parseGridFlag('warehouse.picksPerHour=400,4000')]
    const runs = await runCells(expandGrid(base, grid), { workers: 0 })
    const html = whatIfReport({ scenario: base.name, axes: grid, runs })
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain('Payout heatmap: oversell.buffer × warehouse.picksPerHour')
    expect(html).toContain('Payout by cause')
    expect((html.match(/<svg/g) ?? []).length).toBe(2)
    expect(html).not.toMatch(/<script|src="http|href="http/)
    for (const r of runs) expect(html).toContain(r.runId)
    // cells that were not stored (--no-store, --from-run) list no run ids
    const unstored = whatIfReport({ scenario: base.name, axes: grid, runs, stored: false })
    expect(unstored).toContain('Payout by cause')
    for (const r of runs) expect(unstored).not.toContain(r.runId)
  })
})
