import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { cachedWorkerEntry } from '@d11/generator/worker-bundle'
import { type CellOptions, type CellRun, runCell } from './cell.ts'
import { SimError, type SimErrorCode } from './errors.ts'
import type { GridJob, WorkerReply } from './grid-worker.ts'
import { type Cell, expandGrid, type GridAxis, type Scenario } from './scenario.ts'

export interface GridOptions extends CellOptions {
  /**
   * Threads that run cells: this one and `workers − 1` worker threads (so 2 starts one worker);
   * 0 or 1 runs every cell in this thread. @default see {@link autoWorkers}
   */
  workers?: number
  /** called after each finished cell, in finishing order (drive a progress bar from it) */
  onCell?: (done: number, total: number, run: CellRun) => void
  /** run on this started pool instead of starting (and closing) one for the call */
  pool?: GridPool
  /**
   * Whether this thread runs cells too; false starts `workers` worker threads and keeps this
   * thread's event loop free (a server, a live progress display). @default true
   */
  callerRuns?: boolean
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

/**
 * A worker costs ~0.3 s of CPU to start and runs its first cells with a cold JIT; below this much
 * work in all the calling thread finishes before a worker would pay that back.
 */
export const AUTO_WORKERS_MIN_ORDERS = 2_000_000

/** Default thread count: every available core when the grid simulates ≥ 2M orders in all, else 1 (this thread). */
export function autoWorkers(cells: Cell[]): number {
  const orders = cells.reduce((a, c) => a + cellCost(c), 0)
  return cells.length > 1 && orders >= AUTO_WORKERS_MIN_ORDERS ? availableParallelism() : 1
}

/** Relative cost of a cell: its drawn orders (a world's arrivals are unknown until read: 0). */
const cellCost = (c: Cell) => c.scenario.arrivals.orders ?? 0

/** Positions of `cells`, largest first (ties in grid order), the order threads take them in. */
export function dispatchOrder(cells: Cell[]): Int32Array {
  const order = Array.from(cells.keys()).sort((a, b) => cellCost(cells[b]!) - cellCost(cells[a]!) || a - b)
  return Int32Array.from(order)
}

/**
 * Runs every combination of `axes` over `base`, spread over threads. Results come back in cell
 * order whatever the scheduling; each cell's seed depends only on (seed, its parameters).
 */
export async function runGrid(base: Scenario, axes: GridAxis[], opts: GridOptions = {}): Promise<CellRun[]> {
  return runCells(expandGrid(base, axes), opts)
}

/** Runs `cells` (result `i` is `cells[i]`'s) on `opts.pool` or on a pool of `opts.workers` threads started for the call. */
export async function runCells(cells: Cell[], opts: GridOptions = {}): Promise<CellRun[]> {
  const { pool, workers, callerRuns, ...rest } = opts
  if (pool) return pool.run(cells, rest)
  const threads = Math.min(cells.length, workers ?? autoWorkers(cells))
  const own = GridPool.start(threads, callerRuns === undefined ? {} : { callerRuns })
  try {
    return await own.run(cells, rest)
  } finally {
    await own.close()
  }
}

/** What a run of a started pool takes: the cells' options and the progress callback. */
type RunOptions = Omit<GridOptions, 'pool' | 'workers' | 'callerRuns'>

/** Lets queued worker messages (results, errors) through between two cells of this thread. */
const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * This thread plus `threads − 1` worker threads. The workers are spawned at once (so they boot
 * while the caller still parses or expands its grid) and live until {@link close}: a pool reused
 * across runs pays start-up and JIT warm-up once.
 *
 * A run hands every thread the cells once; then each thread, this one included, takes the next
 * cell from a shared atomic counter over the cells sorted largest first (work stealing without a
 * message per cell: a fast thread just takes more), and a worker posts back only the small
 * {@link CellRun} summary (evidence rows go to the spool from the thread that made them).
 */
export class GridPool {
  private readonly workers: Promise<Worker[]>
  private readonly booted: Promise<void>
  private jobs = 0
  private running = false
  /** why a worker is gone (it failed or exited), so no later run waits for it */
  private lost: string | undefined
  private closing = false
  /**
   * What each thread did in the last run, this thread first (0 when it runs none), then each
   * worker: cells run, and milliseconds spent inside them (the rest of the run it waited or booted).
   */
  lastRun: { cellsPerThread: number[]; busyMsPerThread: number[] } | undefined

  private constructor(
    readonly threads: number,
    readonly callerRuns: boolean,
  ) {
    const extra = callerRuns ? threads - 1 : threads
    this.workers =
      extra === 0
        ? Promise.resolve([])
        : workerUrl().then((url) => Array.from({ length: extra }, () => this.spawn(url)))
    // a failed start is reported by the next run; do not let it go unhandled meanwhile
    this.workers.catch(() => {})
    this.booted = this.workers.then((workers) => Promise.all(workers.map(booted))).then(() => {})
    this.booted.catch(() => {})
  }

  private spawn(url: URL): Worker {
    const w = new Worker(url, { workerData: { entry: ENTRY.href } })
    // kept for the pool's life: an idle worker's failure must not crash the process, and must fail the next run
    w.on('error', (err) => {
      this.lost ??= `grid worker failed: ${err.message}`
    })
    w.on('exit', (code) => {
      if (!this.closing) this.lost ??= `grid worker exited (code ${code})`
    })
    return w
  }

  /** Resolves once every worker has loaded its code (a bench or a test that wants none still booting). */
  ready(): Promise<void> {
    return this.booted
  }

  /**
   * Starts the worker threads of a `threads`-thread pool now: `threads − 1` workers beside this
   * thread (0 and 1: this thread only), or `threads` workers with `callerRuns: false`.
   */
  static start(threads: number, { callerRuns = true }: { callerRuns?: boolean } = {}): GridPool {
    if (!Number.isInteger(threads) || threads < 0)
      throw new SimError('SIM_ERR_GRID', `workers: must be a whole number >= 0, got ${threads}`)
    return new GridPool(Math.max(1, threads), callerRuns)
  }

  /** Runs `cells` on every thread of the pool; result `i` is `cells[i]`'s. One run at a time. */
  async run(cells: Cell[], opts: RunOptions = {}): Promise<CellRun[]> {
    if (this.running) throw new SimError('SIM_ERR_GRID', 'a grid pool runs one grid at a time')
    if (this.lost) throw new SimError('SIM_ERR_WORKER', this.lost)
    this.running = true
    try {
      return await this.runJob(++this.jobs, cells, opts)
    } finally {
      this.running = false
    }
  }

  private async runJob(job: number, cells: Cell[], opts: RunOptions) {
    const { onCell, ...cellOpts } = opts
    const total = cells.length
    const out: CellRun[] = new Array(total)
    if (total === 0) return out
    const order = dispatchOrder(cells)
    const next = new Int32Array(new SharedArrayBuffer(4))
    let done = 0
    const cellsPerThread = [0]
    const busyMsPerThread = [0]
    let settle!: { resolve: () => void; reject: (err: Error) => void }
    const finished = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject }
    })
    let failed = false
    const fail = (err: Error) => {
      failed = true
      Atomics.store(next, 0, total) // nobody takes another cell
      settle.reject(err)
    }
    const accept = (thread: number, position: number, run: CellRun, ms: number) => {
      cellsPerThread[thread]!++
      busyMsPerThread[thread]! += ms
      out[position] = run
      done++
      try {
        onCell?.(done, total, run)
      } catch (err) {
        fail(err as Error)
      }
      if (done === total) settle.resolve()
    }

    const detach: Array<() => void> = []
    const joinWorkers = this.workers.then(
      (workers) => {
        if (failed) return
        const message: GridJob = { job, cells, opts: cellOpts, order, next: next.buffer as SharedArrayBuffer }
        workers.forEach((w, i) => {
          cellsPerThread[i + 1] = 0
          busyMsPerThread[i + 1] = 0
          const accepted = (position: number, run: CellRun, ms: number) => accept(i + 1, position, run, ms)
          const cellFailed = (position: number, code: unknown, message: string) =>
            fail(cellFailure(cells[position]!, code, message))
          detach.push(listen(w, job, { accept: accepted, fail, cellFailed }))
        })
        // a worker lost before this run's listeners: fail now rather than wait for its cells
        if (this.lost) return fail(new SimError('SIM_ERR_WORKER', this.lost))
        for (const w of workers) w.postMessage(message)
      },
      (err: Error) => fail(new SimError('SIM_ERR_WORKER', `grid workers did not start: ${err.message}`)),
    )
    const ownShare = async () => {
      // Let the workers' spawn (queued behind a few promise steps, even with the bundle cached)
      // happen before this thread's first cell: a cell is synchronous for hundreds of ms cold,
      // and the worker would only start booting after it.
      await yieldToEvents()
      while (this.callerRuns) {
        const k = Atomics.add(next, 0, 1)
        if (k >= total || failed) return
        const position = order[k]!
        const t0 = performance.now()
        let run: CellRun
        try {
          run = await runCell(cells[position]!, cellOpts)
        } catch (err) {
          const { message, code } = err as { message: string; code?: unknown }
          fail(cellFailure(cells[position]!, code, message))
          return
        }
        accept(0, position, run, performance.now() - t0)
        await yieldToEvents()
      }
    }
    try {
      await Promise.all([ownShare(), joinWorkers, finished])
    } finally {
      for (const off of detach) off()
      this.lastRun = { cellsPerThread, busyMsPerThread }
    }
    return out
  }

  /** Terminates the worker threads (a cell still running in one is abandoned). */
  async close(): Promise<void> {
    this.closing = true
    const workers = await this.workers.catch(() => [] as Worker[])
    await Promise.all(workers.map((w) => w.terminate()))
  }
}

/** Every code (the type makes the list complete), to tell a forwarded `SimError` code from any other. */
const SIM_CODES: Record<SimErrorCode, true> = {
  SIM_ERR_SCENARIO: true,
  SIM_ERR_GRID: true,
  SIM_ERR_RULES: true,
  SIM_ERR_WORKER: true,
  SIM_ERR_TWIN: true,
}

/**
 * A cell's failure, the same whichever thread ran it: the cell's id, the error's message, and its
 * `SimError` code (a bad world stays `SIM_ERR_SCENARIO`); any other error is `SIM_ERR_WORKER`.
 */
function cellFailure(cell: Cell, code: unknown, message: string): SimError {
  const kind =
    typeof code === 'string' && Object.hasOwn(SIM_CODES, code) ? (code as SimErrorCode) : 'SIM_ERR_WORKER'
  return new SimError(kind, `cell ${cell.id}: ${message}`)
}

/** Resolves when `w` reports its code loaded; rejects if it fails or exits first. */
function booted(w: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: WorkerReply) => {
      if (!('ready' in msg)) return
      off()
      resolve()
    }
    const onError = (err: Error) => {
      off()
      reject(new SimError('SIM_ERR_WORKER', `grid worker failed to start: ${err.message}`))
    }
    const onExit = (code: number) => {
      off()
      reject(new SimError('SIM_ERR_WORKER', `grid worker exited (code ${code}) while starting`))
    }
    const off = () => w.off('message', onMessage).off('error', onError).off('exit', onExit)
    w.on('message', onMessage).on('error', onError).on('exit', onExit)
  })
}

/** Routes one worker's replies for `job` to the run; returns the listeners' removal. */
function listen(
  w: Worker,
  job: number,
  run: {
    accept: (position: number, r: CellRun, ms: number) => void
    cellFailed: (position: number, code: unknown, message: string) => void
    fail: (err: Error) => void
  },
): () => void {
  const onMessage = (msg: WorkerReply) => {
    if (msg.job !== job) return // a late reply of an earlier, failed run
    if ('ready' in msg) return
    if ('run' in msg) run.accept(msg.position, msg.run, msg.ms)
    else if ('error' in msg) run.cellFailed(msg.position, msg.code, msg.error)
  }
  const onError = (err: Error) =>
    run.fail(new SimError('SIM_ERR_WORKER', `grid worker failed: ${err.message}`))
  const onExit = (code: number) =>
    run.fail(new SimError('SIM_ERR_WORKER', `grid worker exited (code ${code}) during the grid`))
  w.on('message', onMessage).on('error', onError).on('exit', onExit)
  return () => w.off('message', onMessage).off('error', onError).off('exit', onExit)
}
