import { runCell } from '../src/cell.ts'
import { benchGrid } from './grid-cells.ts'

/**
 * A cold single-thread cell sequence for V8's tracing: `node --import tsx --trace-opt --trace-deopt
 * bench/deopt-trace.ts [cells]` runs the first `cells` (default 14) grid cells of 1M orders in order.
 */
const count = Number(process.argv[2] ?? 14)
const cells = benchGrid(1_000_000).slice(0, count)
for (const [n, cell] of cells.entries()) {
  const t0 = performance.now()
  await runCell(cell)
  process.stdout.write(`cell ${n} ${(performance.now() - t0).toFixed(0)} ms\n`)
}
