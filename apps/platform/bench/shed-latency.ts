/**
 * `pnpm --filter @d11/platform bench:shed-latency` (issue 17 follow-up): where an accepted order's
 * time goes when the platform is offered BENCH_FACTOR (2) × its capacity. One platform child
 * (pinned to core 0) and the open-model generator child (core 1); prints, for accepted orders:
 * generator-side latency from the scheduled instant, from the issue, the wait for a free
 * connection and the time on the connection; server-side time from socket read to reply and the
 * group-commit wait. Env: BENCH_SECONDS (3), BENCH_FACTOR (2), BENCH_CAPACITY (measured when
 * unset), BENCH_MAX_CONNECTIONS (1024), BENCH_ITEMS (20), BENCH_CONFIG (JSON config overrides).
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { type OpenModelRequest, runOpenModelInChild } from './open-model.ts'

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const seconds = env('BENCH_SECONDS', 3)
const factor = env('BENCH_FACTOR', 2)
const maxConnections = env('BENCH_MAX_CONNECTIONS', 1024)
const items = env('BENCH_ITEMS', 20)
const overrides = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as Record<string, unknown>
const tmp = mkdtempSync(join(tmpdir(), 'd11-bench-shed-'))
const pin = (pid: number | undefined, core: string) => {
  if (pid) execFileSync('taskset', ['-a', '-cp', core, String(pid)], { stdio: 'ignore' })
}
pin(process.pid, '1')

let serial = 0
async function start() {
  serial += 1
  const cfg = { spoolDir: join(tmp, `spool-${serial}`), runId: `s${serial}`, ...overrides }
  const child = fork(
    fileURLToPath(new URL('./server.ts', import.meta.url)),
    ['platform', JSON.stringify(cfg)],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  )
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m) => resolve((m as { port: number }).port)),
  )
  pin(child.pid, '0')
  return { child, url: `http://127.0.0.1:${port}` }
}
const ask = <T>(child: ChildProcess, what: string, key: string) =>
  new Promise<T>((resolve) => {
    const on = (m: unknown) => {
      const v = (m as Record<string, unknown>)[key]
      if (v === undefined) return
      child.off('message', on)
      resolve(v as T)
    }
    child.on('message', on)
    child.send(what)
  })
async function stop(child: ChildProcess) {
  const exited = new Promise((r) => child.once('exit', r))
  child.send('stop')
  await exited
}

const requests: OpenModelRequest[] = Array.from({ length: 1000 }, (_, i) => ({
  method: 'POST',
  path: '/buyer/orders',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    buyerId: 'b-1',
    kind: 'spot',
    items: Array.from({ length: items }, (_, k) => ({ skuId: `s-b${(i * items + k) % 1000}`, quantity: 1 })),
  }),
}))

let capacity = env('BENCH_CAPACITY', 0)
if (!capacity) {
  const s = await start()
  await autocannon({ url: s.url, connections: 128, duration: 1, requests: requests.slice(0, 50) })
  const r = await autocannon({ url: s.url, connections: 128, duration: seconds, requests })
  capacity = Math.round((r as unknown as { '2xx': number })['2xx'] / seconds)
  await stop(s.child)
}
console.log(
  `# load ${loadavg()[0]?.toFixed(2)}; capacity ${capacity} orders/s; offered ${factor}×; config ${JSON.stringify(overrides)}`,
)
const s = await start()
const result = runOpenModelInChild({
  url: s.url,
  rate: Math.round(capacity * factor),
  seconds,
  warmupSeconds: 1,
  requests,
  connections: 64,
  maxConnections,
  drainMs: 30_000,
})
await new Promise((r) => setTimeout(r, 300))
for (const pid of execFileSync('pgrep', ['-P', String(process.pid)])
  .toString()
  .trim()
  .split('\n')
  .map(Number))
  if (pid && pid !== s.child.pid) pin(pid, '1')
const r = await result
const stats = await ask<Record<string, unknown>>(s.child, 'stats', 'stats')
await stop(s.child)
const ms = (p: { p50: number; p99: number; max: number }) => `p50 ${p.p50} p99 ${p.p99} max ${p.max}`
console.log(
  `statuses ${JSON.stringify(r.statuses)} errors ${r.errors} timeouts ${r.timeouts}; peak connections ${r.peakConnections}, queued for one ${r.queuedForConnection}; generator CPU ${r.generatorCpuPercent} %`,
)
console.log(`accepted, from the schedule:       ${ms(r.acceptedLatencyMs)}`)
console.log(`generator lateness (all):          ${ms(r.latenessMs)}`)
console.log(`accepted, from the issue:          ${ms(r.acceptedFromIssueMs)}`)
console.log(`accepted, wait for a connection:   ${ms(r.acceptedConnectionWaitMs)}`)
console.log(`accepted, on the connection:       ${ms(r.acceptedOnConnectionMs)}`)
console.log(`shed, from the schedule:           ${ms(r.shedLatencyMs)}`)
console.log(`server, admitted read → reply end: ${JSON.stringify((stats as { serverMs: unknown }).serverMs)}`)
console.log(
  `server, group-commit wait:         ${JSON.stringify((stats as { commitWaitMs: unknown }).commitWaitMs)}`,
)
console.log(`server, turn length (read phase):  ${JSON.stringify((stats as { turnMs: unknown }).turnMs)}`)
console.log(
  `server, admitted per turn:         ${JSON.stringify((stats as { turnAdmitted: unknown }).turnAdmitted)}`,
)
rmSync(tmp, { recursive: true, force: true })
