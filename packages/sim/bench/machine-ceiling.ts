import { Worker } from 'node:worker_threads'

/**
 * What the machine itself allows N threads, whatever the pool does: two plain loops timed on 1
 * thread and on N at once. `compute` (an xorshift loop in registers) scales with cores; `memory`
 * (sweeping a 128 MB array, far past the caches, as a 1M-order cell's columns are) scales only as
 * far as memory bandwidth does. A grid of big cells cannot beat the `memory` figure.
 */
const LOOPS = `
const { parentPort, workerData } = require('node:worker_threads')
function compute() { let x = 1; for (let i = 0; i < 2e8; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5 } return x }
function memory() {
  const a = new Float64Array(16e6); let s = 0
  for (let r = 0; r < 8; r++) for (let i = 0; i < a.length; i++) { a[i] += i; s += a[i] }
  return s
}
const t = performance.now()
;({ compute, memory })[workerData]()
parentPort.postMessage(performance.now() - t)
`

function loop(kind: 'compute' | 'memory', threads: number): Promise<number> {
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const w = new Worker(LOOPS, { eval: true, workerData: kind })
      w.once('message', (ms: number) => resolve(ms)).once('error', reject)
    })
  // the slowest thread: the wall time of the whole
  return Promise.all(Array.from({ length: threads }, one)).then((ms) => Math.max(...ms))
}

/** Speed-up of N threads over 1 on each loop (best of two tries each, so a busy moment counts less). */
export async function machineCeiling(threads: number): Promise<{ compute: number; memory: number }> {
  const ratio = async (kind: 'compute' | 'memory') => {
    let one = Number.POSITIVE_INFINITY
    let many = Number.POSITIVE_INFINITY
    for (let i = 0; i < 2; i++) {
      one = Math.min(one, await loop(kind, 1))
      many = Math.min(many, await loop(kind, threads))
    }
    return (threads * one) / many
  }
  return { compute: await ratio('compute'), memory: await ratio('memory') }
}
