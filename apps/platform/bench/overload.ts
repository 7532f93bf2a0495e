/**
 * `pnpm --filter @d11/platform bench:overload` (issue 17): load shedding and the cost of durable
 * acceptance, the server pinned to core 0 and every load generator to core 1 (`taskset`), a fresh
 * server child per row.
 *
 * 1. Capacity: closed model (autocannon) against `POST /buyer/orders` (shedding off, spool on,
 *    durable acceptance `fsync`) and against a bare Fastify POST route.
 * 2. Overload: the open-model generator (bench/open-model.ts, its own child) at 1×, 2× and 4× each
 *    server's capacity: accepted and shed per second, accepted p50/p99 from the scheduled instant,
 *    shed p99. The bare route has no shedding: its queue is the baseline.
 * 3. Cost of a shed request: server CPU per request while (almost) every request is shed, beside
 *    an accepted order's (process.cpuUsage of the server child).
 * 4. Cost of durable acceptance: closed-model throughput with `durability` buffered / write / fsync.
 *
 * Closed-model runs use BENCH_CONNECTIONS connections: enough that the group commit's fsync wait
 * does not bound throughput (with few connections each one idles through every fsync).
 * Orders carry BENCH_ITEMS SKUs each (split into as many orders): on the 2-core box one generator
 * core answers at most ~6 000 requests/s, so a heavier order keeps 4× the platform's capacity
 * within its reach. The bare route gets the same bodies at the same offered rates (the platform's
 * 1×, 2×, 4×): what the generator and loopback alone do at those rates.
 * Env: BENCH_SECONDS (3), BENCH_WARMUP (1), BENCH_CONNECTIONS (128), BENCH_MAX_CONNECTIONS (1024),
 * BENCH_ITEMS (20).
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import type { PlatformConfig } from '../src/config.ts'
import { type OpenModelRequest, type OpenModelResult, runOpenModelInChild } from './open-model.ts'

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`)
  return v
}
const seconds = num('BENCH_SECONDS', 3)
const warmup = num('BENCH_WARMUP', 1)
const connections = num('BENCH_CONNECTIONS', 128)
const maxConnections = num('BENCH_MAX_CONNECTIONS', 1024)
const items = num('BENCH_ITEMS', 20)
const SERVER_CORE = '0'
const LOAD_CORE = '1'
const tmp = mkdtempSync(join(tmpdir(), 'd11-bench-overload-'))

/** Pins every thread of `pid` to `core` (threads created later inherit it). */
function pin(pid: number | undefined, core: string): void {
  if (pid) execFileSync('taskset', ['-a', '-cp', core, String(pid)], { stdio: 'ignore' })
}
pin(process.pid, LOAD_CORE) // autocannon runs in this process

type Mode = 'bare' | 'platform'
let serial = 0
async function start(mode: Mode, config: Partial<PlatformConfig> = {}) {
  serial += 1
  const cfg =
    mode === 'platform' ? { spoolDir: join(tmp, `spool-${serial}`), runId: `b${serial}`, ...config } : {}
  const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [mode, JSON.stringify(cfg)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m) => resolve((m as { port: number }).port)),
  )
  pin(child.pid, SERVER_CORE)
  return { child, url: `http://127.0.0.1:${port}`, path: mode === 'bare' ? '/bare' : '/buyer/orders' }
}
async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r))
  child.send('stop')
  await exited
}
const cpuUs = (child: ChildProcess) =>
  new Promise<number>((resolve) => {
    const on = (m: unknown) => {
      const cpu = (m as { cpu?: NodeJS.CpuUsage }).cpu
      if (!cpu) return
      child.off('message', on)
      resolve(cpu.user + cpu.system)
    }
    child.on('message', on)
    child.send('cpu')
  })

const order = (i: number) =>
  JSON.stringify({
    buyerId: 'b-1',
    kind: 'spot',
    items: Array.from({ length: items }, (_, k) => ({ skuId: `s-b${(i * items + k) % 1000}`, quantity: 1 })),
  })
const requests = (path: string): OpenModelRequest[] =>
  Array.from({ length: 1000 }, (_, i) => ({
    method: 'POST',
    path,
    body: order(i),
    headers: { 'content-type': 'application/json' },
  }))

/** Closed model: 2xx per second, and server CPU µs per request (all answers). */
async function closed(mode: Mode, config: Partial<PlatformConfig> = {}, conns = connections) {
  const s = await start(mode, config)
  await autocannon({ url: s.url, connections: conns, duration: 1, requests: requests(s.path).slice(0, 50) }) // warm
  const before = await cpuUs(s.child)
  const r = await autocannon({
    url: s.url,
    connections: conns,
    duration: seconds,
    requests: requests(s.path),
  })
  const used = (await cpuUs(s.child)) - before
  await stop(s.child)
  const ok = (r as unknown as { '2xx': number })['2xx']
  const total = r.requests.total
  return {
    okPerS: Math.round(ok / seconds),
    cpuUsPerRequest: Math.round(used / Math.max(1, total)),
    shedShare: 1 - ok / Math.max(1, total),
  }
}

async function open(mode: Mode, rate: number): Promise<OpenModelResult> {
  const s = await start(mode)
  const result = runOpenModelInChild({
    url: s.url,
    rate,
    seconds,
    warmupSeconds: warmup,
    requests: requests(s.path),
    connections: 64,
    maxConnections,
    drainMs: 30_000,
  })
  // The generator child is forked inside runOpenModelInChild: pin it once it exists.
  await new Promise((r) => setTimeout(r, 300))
  for (const pid of childPids(process.pid)) if (pid !== s.child.pid) pin(pid, LOAD_CORE)
  const r = await result
  await stop(s.child)
  return r
}
function childPids(parent: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(parent)])
      .toString()
      .trim()
      .split('\n')
      .map(Number)
      .filter(Boolean)
  } catch {
    return []
  }
}

console.log(`# Overload bench (${new Date().toISOString()}, load average ${loadavg()[0]?.toFixed(2)} before)`)
console.log(`server on core ${SERVER_CORE}, generators on core ${LOAD_CORE}; ${seconds} s per row\n`)

// Shedding off: a closed model resends each shed request at once, and that storm of sheds would
// leave fewer orders per second than the platform can place.
const NO_SHEDDING = { maxQueueMs: 0, maxEventLoopDelayMs: 0 }
const capacity = {
  platform: (await closed('platform', NO_SHEDDING)).okPerS,
  bare: (await closed('bare')).okPerS,
}
console.log(
  `capacity (closed model, ${connections} connections): platform ${capacity.platform} orders/s, bare ${capacity.bare} req/s\n`,
)

console.log(
  '| server | offered (× platform capacity) | req/s offered | answered/s | accepted/s | shed/s | shed % | accepted p50 ms | accepted p99 ms | shed p99 ms | generator lateness p99 ms | errors+timeouts |',
)
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
for (const mode of ['platform', 'bare'] as const) {
  for (const factor of [1, 2, 4]) {
    const rate = Math.round(capacity.platform * factor)
    const r = await open(mode, rate)
    // Per second of the whole answer span (first scheduled instant to last answer, backlog included).
    const span = r.completed / Math.max(1, r.achievedRps)
    const ok = Object.entries(r.statuses).reduce((a, [k, v]) => a + (k.startsWith('2') ? v : 0), 0)
    const shed = r.statuses['503'] ?? 0
    console.log(
      `| ${mode} | ${factor}× | ${rate} | ${r.achievedRps} | ${Math.round(ok / span)} | ${Math.round(shed / span)} | ${((100 * shed) / Math.max(1, r.scheduled)).toFixed(1)} | ${r.acceptedLatencyMs.p50} | ${r.acceptedLatencyMs.p99} | ${r.shedLatencyMs.p99} | ${r.latenessMs.p99} | ${r.errors + r.timeouts} |`,
    )
  }
}

// Shedding off for the accepted cost too (the row would otherwise mix both costs).
const accepted = await closed('platform', NO_SHEDDING)
const shedding = await closed('platform', { maxQueueMs: 1e-6 }, 64)
const bare = await closed('bare')
console.log('\nServer CPU per request (closed model):\n')
console.log('| requests | server CPU µs/request | shed share |')
console.log('| --- | --- | --- |')
console.log(
  `| accepted orders (fsync) | ${accepted.cpuUsPerRequest} | ${(100 * accepted.shedShare).toFixed(1)} % |`,
)
console.log(
  `| mostly shed at the socket gate | ${shedding.cpuUsPerRequest} | ${(100 * shedding.shedShare).toFixed(1)} % |`,
)
// The shed requests' own cost: the mixed figure less the accepted share at the accepted cost.
const shedOnly =
  (shedding.cpuUsPerRequest - (1 - shedding.shedShare) * accepted.cpuUsPerRequest) /
  Math.max(0.01, shedding.shedShare)
console.log(`| one shed request (derived) | ${Math.round(shedOnly)} | 100 % |`)
console.log(`| bare Fastify route | ${bare.cpuUsPerRequest} | — |`)

console.log('\nDurable acceptance (closed model, orders/s):\n')
// Throughput alone: shedding off (a saturated closed model would otherwise shed part of it).
// Interleaved, twice each, so a burst of other work on the shared box does not land on one mode.
const modes = [
  ['buffered', 'buffered (reply first, file within 1 s)'],
  ['write', 'write (in the file before the reply)'],
  ['fsync', "fsync (default: written and fsync'd, group commit)"],
] as const
const runs: Record<string, number[]> = { buffered: [], write: [], fsync: [] }
for (let round = 0; round < 2; round++)
  for (const [mode] of modes)
    runs[mode]?.push((await closed('platform', { durability: mode, ...NO_SHEDDING })).okPerS)
const best = (mode: string) => Math.max(...(runs[mode] ?? [0]))
console.log('| durability | orders/s (run 1 / run 2) | best vs buffered |')
console.log('| --- | --- | --- |')
for (const [mode, name] of modes)
  console.log(`| ${name} | ${runs[mode]?.join(' / ')} | ${(best(mode) / best('buffered')).toFixed(2)}× |`)
console.log(`\nload average after: ${loadavg()[0]?.toFixed(2)}`)
rmSync(tmp, { recursive: true, force: true })
