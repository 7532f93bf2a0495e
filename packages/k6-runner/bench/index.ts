/**
 * Benchmark: the built-in runner's maximum sustained request rate against a trivial local endpoint,
 * next to autocannon's on the same endpoint in the same run (the baseline). The endpoint runs in a
 * child process so the load generator under test owns its event loop, like autocannon does.
 *   pnpm --filter @d11/k6-runner bench            (10 s per measurement, 50 connections/VUs)
 *   BENCH_SECONDS=5 BENCH_CONNECTIONS=100 pnpm --filter @d11/k6-runner bench
 */
import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { runScript } from '../src/run.ts'

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50)

const SERVER = `
const http = require('node:http')
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('ok') })
server.keepAliveTimeout = 60000
server.listen(0, '127.0.0.1', () => process.send(server.address().port))
`

async function startTarget(): Promise<{ url: string; stop: () => void }> {
  const child = fork('-e', [SERVER], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(Number(p))))
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() }
}

async function autocannonRate(url: string): Promise<number> {
  const result = await autocannon({ url, connections, duration: seconds })
  return result.requests.total / seconds
}

async function runnerRate(url: string, out?: string): Promise<number> {
  const result = await runScript({
    script: fileURLToPath(new URL('./max-rate.js', import.meta.url)),
    env: { TARGET: url, VUS: String(connections), DURATION: `${seconds}s` },
    includeSystemEnv: false,
    ...(out ? { out } : {}),
    stdout: () => {},
  })
  const reqs = result.summary?.metrics.http_reqs?.values.count ?? 0
  const failed = result.summary?.metrics.http_req_failed?.values.passes ?? 0
  if (failed > 0) throw new Error(`runner saw ${failed} failed requests`)
  return reqs / seconds
}

const target = await startTarget()
const dir = mkdtempSync(join(tmpdir(), 'k6r-bench-'))
try {
  // warm both clients' code paths and the server's JIT
  await autocannon({ url: target.url, connections: 10, duration: 1 })
  const baseline = await autocannonRate(target.url)
  const runner = await runnerRate(target.url)
  const withJson = await runnerRate(target.url, join(dir, 'samples.json'))
  const row = (name: string, rps: number) =>
    `${name.padEnd(34)} ${rps.toFixed(0).padStart(8)} req/s  ${(rps / baseline).toFixed(2)}x`
  console.log(`\n${connections} connections/VUs, ${seconds} s each, node ${process.version}`)
  console.log(row('autocannon (baseline)', baseline))
  console.log(row('k6-runner, constant-vus', runner))
  console.log(row('k6-runner + --out json', withJson))
} finally {
  target.stop()
  rmSync(dir, { recursive: true, force: true })
}
