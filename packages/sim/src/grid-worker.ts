import { parentPort } from 'node:worker_threads'
import { type CellOptions, type CellRun, runCell } from './cell.ts'
import type { Cell } from './scenario.ts'

/** One grid run, sent to each worker once: the cells, and the shared counter every thread takes cells from. */
export interface GridJob {
  job: number
  cells: Cell[]
  opts: CellOptions
  /** positions in `cells`, in the order threads take them (largest first) */
  order: Int32Array
  /** one Int32: the next entry of `order` to take (`Atomics.add`) */
  next: SharedArrayBuffer
}

export type WorkerReply =
  /** `ms`: time spent in the cell */
  | { job: number; position: number; run: CellRun; ms: number }
  /** `code`: the thrown error's `code` (a {@link SimError}'s), so the pool rethrows the same kind */
  | { job: number; position: number; error: string; code?: string }
  /** once, when the worker has loaded its code */
  | { job?: undefined; ready: true }

/**
 * Grid worker: for each job, takes cells from the shared counter until none is left, posting each
 * result back; stops at its first failure. The pool terminates it.
 */
const port = parentPort
if (!port) throw new Error('grid-worker must run in a worker thread')
port.on('message', async ({ job, cells, opts, order, next }: GridJob) => {
  const counter = new Int32Array(next)
  for (;;) {
    const k = Atomics.add(counter, 0, 1)
    if (k >= order.length) break
    const position = order[k]!
    const t0 = performance.now()
    try {
      const run = await runCell(cells[position]!, opts)
      port.postMessage({ job, position, run, ms: performance.now() - t0 } satisfies WorkerReply)
    } catch (err) {
      const { message, code } = err as { message: string; code?: unknown }
      port.postMessage({
        job,
        position,
        error: message,
        ...(typeof code === 'string' ? { code } : {}),
      } satisfies WorkerReply)
      break
    }
  }
})
port.postMessage({ ready: true } satisfies WorkerReply)
