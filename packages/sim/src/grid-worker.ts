import { parentPort } from 'node:worker_threads'
import { type CellOptions, runCell } from './cell.ts'
import type { Cell } from './scenario.ts'

/** Grid worker: runs the cells it is sent, one at a time, and posts each result back; the pool terminates it. */
const port = parentPort
if (!port) throw new Error('grid-worker must run in a worker thread')
port.on('message', async (msg: { cell: Cell; opts: CellOptions }) => {
  try {
    port.postMessage({ ok: true, run: await runCell(msg.cell, msg.opts) })
  } catch (err) {
    port.postMessage({ ok: false, index: msg.cell.index, error: (err as Error).message })
  }
})
port.postMessage({ ready: true })
