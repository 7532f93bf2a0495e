import { createHash } from 'node:crypto'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import type { CellRun } from '../src/cell.ts'
import { GridPool, runCells } from '../src/grid.ts'
import type { Cell } from '../src/scenario.ts'
import { benchGrid, machineCpuMs } from './grid-cells.ts'

/**
 * One arm of the grid bench, in a fresh process so that no arm inherits another's warm JIT:
 * `tsx bench/grid-arm.ts --threads N --cell-orders M` prints one JSON line ({@link ArmResult}).
 *
 * - cold: the 27-cell grid as `d11 whatif` runs it: every thread's JIT cold, the pool started
 *   for the call and closed after it (both inside the time);
 * - warm: a pool started beforehand, its workers booted, and warmed on the grid twice with
 *   fifth-size cells, so every thread of the arm has run the engine often before the timed grid.
 */
export interface ArmMeasure {
  wallMs: number
  /** CPU of this whole process (every thread, V8's helpers and worker start-up included) */
  cpuMs: number
  /** busy CPU of the rest of the machine over the same span (/proc/stat), null where unknown */
  othersMs: number | null
  /** CPU the hypervisor gave to other guests over the span, null where unknown */
  stealMs: number | null
  /** share of the span this thread's event loop was busy */
  callerElu: number
  /** 1-minute load average at the start */
  load1: number
  cellsPerThread: number[]
  /** ms each thread spent inside cells */
  busyMsPerThread: number[]
}

export interface ArmResult {
  threads: number
  cold: ArmMeasure
  warm: ArmMeasure
  /** sha256 of the cells' results: the same in every arm */
  digest: string
}

async function measure(pool: GridPool, cells: Cell[], startedAt?: number) {
  const load1 = loadavg()[0] ?? 0
  const machine0 = machineCpuMs()
  const cpu0 = process.cpuUsage()
  const elu0 = performance.eventLoopUtilization()
  const t0 = startedAt ?? performance.now()
  let runs: CellRun[]
  try {
    runs = await runCells(cells, { pool })
  } finally {
    if (startedAt !== undefined) await pool.close()
  }
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const cpuMs = (cpu.user + cpu.system) / 1000
  const machine1 = machineCpuMs()
  const delta = machine0 &&
    machine1 && { busy: machine1.busy - machine0.busy, steal: machine1.steal - machine0.steal }
  const m: ArmMeasure = {
    wallMs,
    cpuMs,
    othersMs: delta ? Math.max(0, delta.busy - cpuMs) : null,
    stealMs: delta ? delta.steal : null,
    callerElu: performance.eventLoopUtilization(elu0).utilization,
    load1,
    cellsPerThread: pool.lastRun?.cellsPerThread ?? [],
    busyMsPerThread: pool.lastRun?.busyMsPerThread ?? [],
  }
  return { m, runs }
}

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '1' },
    'cell-orders': { type: 'string', default: '1000000' },
  },
})
const threads = Number(values.threads)
const cellOrders = Number(values['cell-orders'])
const cells = benchGrid(cellOrders)

const coldStart = performance.now()
const cold = await measure(GridPool.start(threads), cells, coldStart)

const pool = GridPool.start(threads)
try {
  await pool.ready() // every worker booted, so each thread takes its share of the warm-up cells
  const warmUp = benchGrid(Math.round(cellOrders / 5))
  for (let i = 0; i < 2; i++) await runCells(warmUp, { pool })
  const warm = await measure(pool, cells)
  const digest = (runs: CellRun[]) =>
    createHash('sha256')
      .update(JSON.stringify(runs.map((r) => r.result)))
      .digest('hex')
  const same = digest(cold.runs) === digest(warm.runs)
  const out: ArmResult = {
    threads,
    cold: cold.m,
    warm: warm.m,
    digest: same ? digest(cold.runs) : 'cold≠warm',
  }
  process.stdout.write(`${JSON.stringify(out)}\n`)
} finally {
  await pool.close()
}
