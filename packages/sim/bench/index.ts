import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { buildArrivals } from '../src/arrivals.ts'
import { simulate } from '../src/engine.ts'
import type { Scenario } from '../src/scenario.ts'
import { gridBench } from './grid-bench.ts'
import { phone } from './grid-cells.ts'

/**
 * `pnpm --filter @d11/sim bench [--part engine|grid|all] [--orders 10000000] [--cell-orders 1000000]
 * [--workers N] [--rounds 5]`
 *
 * 1. engine: simulated orders per second on one core over large-like synthetic arrivals (10M paid
 *    orders over Nov 11, 50 SKUs, a sync-lag oversell, shifts and carrier waves), against a
 *    baseline measured in the same run: only generating the same arrivals (the floor any engine pays).
 * 2. grid: wall time of a 27-cell grid (buffer × capacity × sync lag) on N threads against the same
 *    grid on one thread, both arms in the same run (see ./grid-bench.ts).
 */
const { values } = parseArgs({
  // `pnpm bench -- --x` passes the `--` on
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
  options: {
    part: { type: 'string', default: 'all' },
    orders: { type: 'string', default: '10000000' },
    'cell-orders': { type: 'string', default: '1000000' },
    workers: { type: 'string', default: String(availableParallelism()) },
    rounds: { type: 'string', default: '5' },
  },
})
const ORDERS = Number(values.orders)
const PART = values.part
if (!['engine', 'grid', 'all'].includes(PART)) throw new Error(`--part: engine, grid or all, got "${PART}"`)

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
if (PART !== 'grid') engineBench()
if (PART !== 'engine')
  await gridBench({
    cellOrders: Number(values['cell-orders']),
    threads: Number(values.workers),
    rounds: Number(values.rounds),
  })

function engineBench() {
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
}
