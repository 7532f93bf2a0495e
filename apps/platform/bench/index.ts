/**
 * `pnpm --filter @d11/platform bench`: order placement vs a bare Fastify route, same machine, same
 * run (autocannon against a child process), then heap held per 1M orders (extrapolated).
 * Env: BENCH_SECONDS (5), BENCH_CONNECTIONS (50), BENCH_RATE (5000), BENCH_ORDERS (200000).
 */
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { buildApp } from '../src/app.ts'
import { baseWorld, ndjson, sku } from '../test/helpers.ts'

const seconds = Number(process.env.BENCH_SECONDS ?? 5)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50)
const rate = Number(process.env.BENCH_RATE ?? 5000)
const nOrders = Number(process.env.BENCH_ORDERS ?? 200_000)

async function start(mode: 'bare' | 'platform'): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [mode], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m) => resolve((m as { port: number }).port)),
  )
  return { child, port }
}

async function stop(child: ChildProcess): Promise<void> {
  const done = new Promise((r) => child.once('exit', r))
  child.send('stop')
  await done
}

const orderBody = (i: number) =>
  JSON.stringify({ buyerId: 'b-1', kind: 'spot', items: [{ skuId: `s-b${i % 1000}`, quantity: 1 }] })
const requests = Array.from({ length: 1000 }, (_, i) => ({
  method: 'POST',
  path: '/buyer/orders',
  body: orderBody(i),
  headers: { 'content-type': 'application/json' },
}))

async function load(port: number, path: string, overallRate?: number, duration = seconds) {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    ...(overallRate ? { overallRate } : {}),
    requests:
      path === '/bare'
        ? [{ method: 'POST', path, body: orderBody(0), headers: { 'content-type': 'application/json' } }]
        : requests,
  })
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  }
}

console.log(`# @d11/platform bench: ${seconds}s per run, ${connections} connections, node ${process.version}`)
const bare = await start('bare')
await load(bare.port, '/bare', undefined, 1) // warm-up (JIT)
const bareMax = await load(bare.port, '/bare')
await stop(bare.child)
const plat = await start('platform')
await load(plat.port, '/buyer/orders', undefined, 1) // warm-up (JIT)
// The fixed-rate run goes first, on a platform holding only the warm-up's orders.
const platRate = await load(plat.port, '/buyer/orders', rate)
const platMax = await load(plat.port, '/buyer/orders')
await stop(plat.child)

const row = (name: string, r: typeof bareMax) =>
  `| ${name} | ${Math.round(r.rps)} | ${(r.rps / bareMax.rps).toFixed(2)}× | ${r.p50} | ${r.p99} | ${r.non2xx + r.errors} |`
console.log('\n| run | req/s | vs bare | p50 ms | p99 ms | non-2xx+errors |')
console.log('| --- | --- | --- | --- | --- | --- |')
console.log(row('bare Fastify POST (baseline)', bareMax))
console.log(row('POST /buyer/orders, max', platMax))
console.log(row(`POST /buyer/orders at ${rate} req/s offered`, platRate))

// Memory: hold nOrders paid orders (each with its pickup deadline on the heap) and extrapolate.
const gc = (globalThis as { gc?: () => void }).gc
const app = await buildApp({ docs: false, config: { clockRate: 0, clockStart: '2020-11-01T10:00:00+08:00' } })
const lines: unknown[] = [...baseWorld()]
for (let i = 0; i < 1000; i++)
  lines.push({ kind: 'skus', row: sku(`s-b${i}`, 'm-1', { listPriceFen: 9_900 + i, stock: 10_000_000 }) })
await app.ready()
await app.inject({
  method: 'POST',
  url: '/admin/world',
  headers: { 'content-type': 'application/x-ndjson' },
  payload: ndjson(lines),
})
const p = app.d11.platform
const at = app.d11.clock.now()
gc?.()
const before = process.memoryUsage().heapUsed
for (let i = 0; i < nOrders; i++) {
  const placed = p.placeOrder(
    { buyerId: 'b-1', kind: 'spot', items: [{ skuId: `s-b${i % 1000}`, quantity: 1 }] },
    at,
  )
  p.pay(placed.orders[0]!.id, 'spot', at)
}
gc?.()
const after = process.memoryUsage().heapUsed
const perOrder = (after - before) / nOrders
console.log(
  `\nheap held by ${nOrders} paid orders: ${((after - before) / 2 ** 20).toFixed(1)} MiB → ${((perOrder * 1e6) / 2 ** 30).toFixed(2)} GiB per 1M orders (${Math.round(perOrder)} B/order${gc ? '' : ', run with --expose-gc for a cleaner figure'})`,
)
await app.close()
