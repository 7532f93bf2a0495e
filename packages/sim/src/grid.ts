import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { cachedWorkerEntry } from '@d11/generator/worker-bundle'
import { type CellOptions, type CellRun, runCell } from './cell.ts'
import { SimError } from './errors.ts'
import { type Cell, expandGrid, type GridAxis, type Scenario } from './scenario.ts'

export interface GridOptions extends CellOptions {
  /** worker threads; 0 runs every cell in this thread @default see {@link autoWorkers} */
  workers?: number
  /** called after each finished cell (drive a progress bar from it) */
  onCell?: (done: number, total: number, run: CellRun) => void
}

/**
 * Workers start from one prebuilt ES module of grid-worker.ts (the generator's cached esbuild
 * bundle: ready in ~0.2 s instead of seconds of tsx loader hooks per thread). Should the bundle not
 * build, a small .mjs registers tsx in the thread and imports the TypeScript entry instead.
 */
const BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url)
const ENTRY = new URL('./grid-worker.ts', import.meta.url)
let bundled: Promise<URL> | undefined
function workerUrl(): Promise<URL> {
  bundled ??= cachedWorkerEntry(
    'd11-sim-grid-worker',
    { source: fileURLToPath(ENTRY), packageDir: fileURLToPath(new URL('..', import.meta.url)) },
    BOOTSTRAP,
  )
  return bundled
}

/** Starting a worker (loading the TypeScript sources) costs seconds; below this much work one thread wins. */
export const AUTO_WORKERS_MIN_ORDERS = 2_000_000

/** Default pool size: every available core when the grid simulates ≥ 2M orders in all, else 0 (this thread). */
export function autoWorkers(cells: Cell[]): number {
  const orders = cells.reduce((a, c) => a + (c.scenario.arrivals.orders ?? 0), 0)
  return cells.length > 1 && orders >= AUTO_WORKERS_MIN_ORDERS ? availableParallelism() : 0
}

/**
 * Runs every combination of `axes` over `base`, spread over worker threads. Results come back in
 * cell order whatever the scheduling; each cell's seed depends only on (seed, its parameters).
 */
export async function runGrid(base: Scenario, axes: GridAxis[], opts: GridOptions = {}): Promise<CellRun[]> {
  const cells = expandGrid(base, axes)
  return runCells(cells, opts)
}

export async function runCells(cells: Cell[], opts: GridOptions = {}): Promise<CellRun[]> {
  const total = cells.length
  const workers = Math.min(total, opts.workers ?? autoWorkers(cells))
  const { workers: _w, onCell, ...cellOpts } = opts
  const out: CellRun[] = new Array(total)
  let done = 0
  if (workers <= 0) {
    for (const cell of cells) {
      const run = await runCell(cell, cellOpts)
      out[cell.index] = run
      done++
      onCell?.(done, total, run)
    }
    return out
  }
  let next = 0
  const pool: Worker[] = []
  const url = await workerUrl()
  try {
    await new Promise<void>((resolve, reject) => {
      const busy = new Map<Worker, number>()
      const feed = (w: Worker) => {
        // idle workers wait; the pool terminates them all at the end (terminate() on a worker
        // that already exited on its own may never settle)
        if (next >= total) {
          busy.delete(w)
          return
        }
        busy.set(w, next)
        w.postMessage({ cell: cells[next++], opts: cellOpts })
      }
      for (let i = 0; i < workers; i++) {
        const w = new Worker(url, { workerData: { entry: ENTRY.href } })
        pool.push(w)
        w.on(
          'message',
          (msg: { ready?: boolean; ok?: boolean; run?: CellRun; index?: number; error?: string }) => {
            if (msg.ready) return feed(w)
            if (!msg.ok || !msg.run) {
              reject(new SimError('SIM_ERR_WORKER', `cell ${msg.index}: ${msg.error}`))
              return
            }
            out[msg.run.index] = msg.run
            done++
            onCell?.(done, total, msg.run)
            if (done === total) resolve()
            else feed(w)
          },
        )
        w.on('error', (err) => reject(new SimError('SIM_ERR_WORKER', `grid worker failed: ${err.message}`)))
        w.on('exit', (code) => {
          const cell = busy.get(w)
          if (cell !== undefined)
            reject(new SimError('SIM_ERR_WORKER', `grid worker exited (code ${code}) during cell ${cell}`))
        })
      }
    })
  } finally {
    await Promise.all(pool.map((w) => w.terminate()))
  }
  return out
}
