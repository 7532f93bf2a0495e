import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { buildArrivals } from '../src/arrivals.ts'
import { simulate } from '../src/engine.ts'
import { runCells } from '../src/grid.ts'
import { expandGrid, loadScenario, parseGridFlag, type Scenario } from '../src/scenario.ts'

/**
 * `pnpm --filter @d11/sim bench [--orders 10000000] [--cell-orders 1000000] [--workers N]`
 *
 * 1. Simulated orders per second on one core over large-like synthetic arrivals (10M paid orders
 *    over Nov 11, 50 SKUs, a sync-lag oversell, shifts and carrier waves), against a baseline
 *    measured in the same run: only generating the same arrivals (the floor any engine pays).
 * 2. Wall time of a 27-cell grid (buffer × capacity × sync lag) over worker threads, against the
 *    same grid run in one thread.
 */
const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '10000000' },
    'cell-orders': { type: 'string', default: '1000000' },
    workers: { type: 'string', default: String(availableParallelism()) },
  },
})
const ORDERS = Number(values.orders)
const CELL_ORDERS = Number(values['cell-orders'])
const WORKERS = Number(values.workers)

const phone = loadScenario(new URL('../../../examples/phone-oversell.yaml', import.meta.url).pathname)

function largeLike(orders: number): Scenario {
  const skus = Array.from({ length: 50 }, (_, i) => ({
    id: `s-${String(i + 1).padStart(8, '0')}`,
    priceYuan: 50 + ((i * 997) % 5000),
    stock: Math.round((orders / 50) * 0.9),
    share: 1 + (i % 7),
    presale: i % 10 === 0,
    presaleShipHours: 0,
  }))
  return {
    ...phone,
    name: 'large-like',
    arrivals: { ...phone.arrivals, orders },
    skus,
    restock: skus.map((s) => ({
      sku: s.id,
      at: '2020-11-13T10:00:00+08:00',
      units: Math.round(s.stock * 0.05),
    })),
    warehouse: { ...phone.warehouse, picksPerHour: orders / 30 },
    service: { complaintsPerHour: orders / 500 },
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')

function best<T>(runs: number, fn: () => T): { ms: number; out: T } {
  let ms = Number.POSITIVE_INFINITY
  let out: T | undefined
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    out = fn()
    ms = Math.min(ms, performance.now() - t)
  }
  return { ms, out: out as T }
}

console.log(`# @d11/sim bench (node ${process.version}, ${availableParallelism()} cores)`)
const s = largeLike(ORDERS)
simulate(largeLike(200_000), {}) // warm-up
const base = best(2, () => buildArrivals(s, 1).times.length)
const sim = best(2, () => simulate(s, {}))
const perSec = ORDERS / (sim.ms / 1000)
console.log(`\n## engine, one core, ${fmt(ORDERS)} large-like orders (50 SKUs)`)
console.log(
  `baseline: generate arrivals only  ${fmt(base.ms)} ms  (${fmt(ORDERS / (base.ms / 1000))} orders/s)`,
)
console.log(`simulate (arrivals + DES + rules)  ${fmt(sim.ms)} ms  (${fmt(perSec)} orders/s/core)`)
console.log(
  `ratio simulate / baseline: ${(sim.ms / base.ms).toFixed(2)}×  · target ≥ 1,000,000 orders/s/core: ${perSec >= 1e6 ? 'met' : 'NOT met'}`,
)
const r = sim.out
console.log(
  `  accepted ${fmt(r.orders.accepted)}, oversold ${fmt(r.orders.oversold)}, late ${fmt(r.late.total)}, payout ¥${fmt(r.payouts.totalFen / 100)}, heap events ${fmt(r.events)}`,
)

const cellBase = {
  ...phone,
  arrivals: { ...phone.arrivals, orders: CELL_ORDERS },
  skus: [{ ...phone.skus[0]!, stock: CELL_ORDERS / 2 }],
}
const cells = expandGrid(cellBase, [
  parseGridFlag('oversell.buffer=0,2,5%'),
  parseGridFlag(`warehouse.picksPerHour=${CELL_ORDERS / 40},${CELL_ORDERS / 20},${CELL_ORDERS / 10}`),
  parseGridFlag('oversell.syncLagSeconds=30,60,120'),
])
console.log(`\n## 27-cell grid (buffer × picksPerHour × syncLagSeconds), ${fmt(CELL_ORDERS)} orders per cell`)
let t = performance.now()
await runCells(cells, { workers: 0 })
const one = performance.now() - t
t = performance.now()
await runCells(cells, { workers: WORKERS })
const many = performance.now() - t
console.log(`baseline: one thread               ${(one / 1000).toFixed(2)} s`)
console.log(
  `${WORKERS} worker threads                   ${(many / 1000).toFixed(2)} s  (speed-up ${(one / many).toFixed(2)}×, incl. worker start-up)`,
)
console.log(`grid throughput: ${fmt((27 * CELL_ORDERS) / (many / 1000))} simulated orders/s`)
