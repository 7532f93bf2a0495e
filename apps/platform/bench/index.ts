/**
 * `pnpm --filter @d11/platform bench`: order placement vs a bare Fastify route, same machine, same
 * run. 1) Throughput: autocannon (closed model, as many requests as the server takes) against a
 * child process. 2) Latency at a fixed arrival rate: the open-model generator (bench/open-model.ts,
 * its own child process) against a fresh server child each, latency measured from each request's
 * scheduled instant. 3) Heap held per 1M orders (extrapolated).
 * Env: BENCH_SECONDS (5), BENCH_CONNECTIONS (50), BENCH_RATE (5000), BENCH_WARMUP (2),
 * BENCH_OPEN_CONNECTIONS (128), BENCH_OPEN_MAX_CONNECTIONS (512), BENCH_SEMI_SPACE_MB (64; 0 skips
 * the tuned run), BENCH_ORDERS (200000).
 */
import { type ChildProcess, fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { buildApp } from '../src/app.ts'
import { baseWorld, ndjson, sku } from '../test/helpers.ts'
import { type OpenModelRequest, type OpenModelResult, runOpenModelInChild } from './open-model.ts'

function envNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name]
  const v = raw === undefined || raw === '' ? fallback : Number(raw)
  if (!Number.isFinite(v) || v < min)
    throw new Error(`${name} must be a number ≥ ${min}, got ${JSON.stringify(raw)}`)
  return v
}
const seconds = envNumber('BENCH_SECONDS', 5, 1)
const connections = envNumber('BENCH_CONNECTIONS', 50, 1)
const rate = envNumber('BENCH_RATE', 5000, 1)
const warmup = envNumber('BENCH_WARMUP', 2, 0)
const openConnections = envNumber('BENCH_OPEN_CONNECTIONS', 128, 1)
const openMaxConnections = envNumber('BENCH_OPEN_MAX_CONNECTIONS', 512, openConnections)
const semiSpaceMb = envNumber('BENCH_SEMI_SPACE_MB', 64, 0)
const nOrders = envNumber('BENCH_ORDERS', 200_000, 1)

async function start(
  mode: 'bare' | 'platform',
  nodeFlags: string[] = [],
): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [mode], {
    execArgv: [...nodeFlags, '--import', 'tsx'],
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
const requests: OpenModelRequest[] = Array.from({ length: 1000 }, (_, i) => ({
  method: 'POST' as const,
  path: '/buyer/orders',
  body: orderBody(i),
  headers: { 'content-type': 'application/json' },
}))

async function load(port: number, path: string, duration = seconds) {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
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

console.log(
  `# @d11/platform bench: node ${process.version}; throughput ${seconds}s per run, ${connections} connections; ` +
    `open model ${rate} req/s × ${seconds}s after ${warmup}s warm-up, ${openConnections}..${openMaxConnections} connections`,
)
const bare = await start('bare')
await load(bare.port, '/bare', 1) // warm-up (JIT)
const bareMax = await load(bare.port, '/bare')
await stop(bare.child)
const plat = await start('platform')
await load(plat.port, '/buyer/orders', 1) // warm-up (JIT)
const platMax = await load(plat.port, '/buyer/orders')
await stop(plat.child)

const row = (name: string, r: typeof bareMax) =>
  `| ${name} | ${Math.round(r.rps)} | ${(r.rps / bareMax.rps).toFixed(2)}× | ${r.p50} | ${r.p99} | ${r.non2xx + r.errors} |`
console.log('\n## Throughput (closed model: autocannon, as fast as the server answers)\n')
console.log('| run | req/s | vs bare | p50 ms | p99 ms | non-2xx+errors |')
console.log('| --- | --- | --- | --- | --- | --- |')
console.log(row('bare Fastify POST (baseline)', bareMax))
console.log(row('POST /buyer/orders, max', platMax))

// Open model: a fresh server child per run, the generator in its own child (with a larger young
// generation, so its own GC pauses stay out of the figures as far as they can).
const generatorFlags = ['--max-semi-space-size=64']
const bareRequests: OpenModelRequest[] = [
  { method: 'POST', path: '/bare', body: orderBody(0), headers: { 'content-type': 'application/json' } },
]
const openRuns: Array<{ name: string; mode: 'bare' | 'platform'; flags: string[] }> = [
  { name: 'bare Fastify POST', mode: 'bare', flags: [] },
  { name: 'POST /buyer/orders', mode: 'platform', flags: [] },
]
if (semiSpaceMb > 0)
  openRuns.push({
    name: 'POST /buyer/orders',
    mode: 'platform',
    flags: [`--max-semi-space-size=${semiSpaceMb}`],
  })

/** Busy and total jiffies of the whole machine (Linux `/proc/stat`), or undefined elsewhere. */
function machineJiffies(): { busy: number; total: number } | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    const total = cpu.reduce((a, b) => a + b, 0)
    return { busy: total - (cpu[3] ?? 0) - (cpu[4] ?? 0), total } // idle, iowait
  } catch {
    return undefined
  }
}
interface Mark {
  cpuUs: number
  at: number
  machine: ReturnType<typeof machineJiffies>
}
/** The server child's CPU time (user + system, µs), the wall clock (ms) and the machine's jiffies now. */
function serverCpu(child: ChildProcess): Promise<Mark> {
  return new Promise((resolve) => {
    const on = (m: unknown) => {
      const cpu = (m as { cpu?: NodeJS.CpuUsage }).cpu
      if (!cpu) return
      child.off('message', on)
      resolve({ cpuUs: cpu.user + cpu.system, at: performance.now(), machine: machineJiffies() })
    }
    child.on('message', on)
    child.send('cpu')
  })
}

const openResults: Array<{
  name: string
  flags: string[]
  r: OpenModelResult
  serverCpu: number
  other: number
  load: number
}> = []
for (const run of openRuns) {
  const server = await start(run.mode, run.flags)
  const load1 = loadavg()[0] ?? 0
  const marks: Array<Promise<Mark>> = []
  const r = await runOpenModelInChild(
    {
      url: `http://127.0.0.1:${server.port}`,
      rate,
      seconds,
      warmupSeconds: warmup,
      connections: openConnections,
      maxConnections: openMaxConnections,
      requests: run.mode === 'bare' ? bareRequests : requests,
    },
    generatorFlags,
    () => marks.push(serverCpu(server.child)),
  )
  const [from, to] = await Promise.all(marks)
  await stop(server.child)
  const serverCpuPct = from && to ? Math.round((to.cpuUs - from.cpuUs) / 10 / (to.at - from.at)) : Number.NaN
  // Cores busy during the recorded window with anything but the server and the generator.
  const busyPct =
    from?.machine && to?.machine
      ? ((to.machine.busy - from.machine.busy) / (to.machine.total - from.machine.total)) *
        cpus().length *
        100
      : Number.NaN
  const otherPct = Math.max(0, Math.round(busyPct - serverCpuPct - r.generatorCpuPercent))
  openResults.push({
    name: run.name,
    flags: run.flags,
    r,
    serverCpu: serverCpuPct,
    other: otherPct,
    load: load1,
  })
}
const bareOpen = openResults[0]!.r
console.log(
  `\n## Latency at ${rate} req/s offered (open model: latency from each request's scheduled instant; ` +
    `${warmup}s warm-up at the same rate, drained, then ${seconds}s recorded)\n`,
)
console.log(
  '| run | server flags | achieved req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | p99 vs bare | generator lateness p99 ms | non-2xx+errors+timeouts | waited for a connection | peak connections | server CPU | generator CPU | other CPU | load avg before |',
)
console.log(
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
)
for (const { name, flags, r, serverCpu: cpu, other, load } of openResults) {
  const l = r.latencyMs
  const diff = l.p99 - bareOpen.latencyMs.p99
  const vsBare =
    r === bareOpen
      ? '—'
      : `${diff >= 0 ? '+' : ''}${diff.toFixed(2)} ms (${(l.p99 / bareOpen.latencyMs.p99).toFixed(1)}×)`
  console.log(
    `| ${name} | ${flags.join(' ') || 'defaults'} | ${r.achievedRps} | ${l.p50} | ${l.p90} | ${l.p99} | ${l.p999} | ${l.max} | ${vsBare} | ${r.latenessMs.p99} | ${r.non2xx + r.errors + r.timeouts} | ${r.queuedForConnection} | ${r.peakConnections} | ${cpu}% | ${r.generatorCpuPercent}% | ${other}% | ${load.toFixed(2)} |`,
  )
}

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
const { checkout } = app.d11
const at = app.d11.clock.now()
gc?.()
const before = process.memoryUsage().heapUsed
for (let i = 0; i < nOrders; i++) {
  const placed = checkout.placeOrder(
    { buyerId: 'b-1', kind: 'spot', items: [{ skuId: `s-b${i % 1000}`, quantity: 1 }] },
    at,
  )
  checkout.pay(placed.orders[0]!.id, 'spot', at)
}
gc?.()
const after = process.memoryUsage().heapUsed
const perOrder = (after - before) / nOrders
console.log(
  `\nheap held by ${nOrders} paid orders: ${((after - before) / 2 ** 20).toFixed(1)} MiB → ${((perOrder * 1e6) / 2 ** 30).toFixed(2)} GiB per 1M orders (${Math.round(perOrder)} B/order${gc ? '' : ', run with --expose-gc for a cleaner figure'})`,
)
await app.close()
