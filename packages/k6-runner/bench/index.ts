/**
 * Benchmark: the built-in runner's maximum sustained request rate against a trivial local endpoint,
 * next to autocannon's on the same endpoint in the same run (the baseline). The endpoint runs in a
 * child process so the load generator under test owns its event loop, like autocannon does.
 *   pnpm --filter @d11/k6-runner bench      (3 rounds x 4 measurements x 5 s, 50 connections/VUs)
 *   BENCH_SECONDS=10 BENCH_ROUNDS=5 BENCH_CONNECTIONS=100 pnpm --filter @d11/k6-runner bench
 */
import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { Agent } from 'undici'
import { runScript } from '../src/run.ts'

const seconds = Number(process.env.BENCH_SECONDS ?? 5)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
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

/** The HTTP client alone: `connections` loops of undici requests, no runner around them. */
async function undiciRate(url: string): Promise<number> {
  const agent = new Agent({ keepAliveTimeout: 30_000 })
  const { origin } = new URL(url)
  const end = performance.now() + seconds * 1000
  let n = 0
  const loop = async () => {
    while (performance.now() < end) {
      const res = await agent.request({ origin, path: '/', method: 'GET' })
      await res.body.text()
      n++
    }
  }
  await Promise.all(Array.from({ length: connections }, loop))
  await agent.close()
  return n / seconds
}

async function runnerRate(url: string, out?: string, secs = seconds): Promise<number> {
  const result = await runScript({
    script: fileURLToPath(new URL('./max-rate.js', import.meta.url)),
    env: { TARGET: url, VUS: String(connections), DURATION: `${secs}s` },
    includeSystemEnv: false,
    ...(out ? { out } : {}),
    stdout: () => {},
  })
  const reqs = result.summary?.metrics.http_reqs?.values.count ?? 0
  const failed = result.summary?.metrics.http_req_failed?.values.passes ?? 0
  if (failed > 0) throw new Error(`runner saw ${failed} failed requests`)
  return reqs / secs
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const target = await startTarget()
const dir = mkdtempSync(join(tmpdir(), 'k6r-bench-'))
try {
  // warm both clients' code paths (the runner's JIT warms over seconds) and the server's
  await autocannon({ url: target.url, connections: 10, duration: 1 })
  await runnerRate(target.url, undefined, 3)
  // interleaved rounds: the machine is shared, so each ratio compares neighbours in time
  const rows: Array<{ baseline: number; undici: number; runner: number; json: number }> = []
  for (let round = 0; round < rounds; round++) {
    const baseline = await autocannonRate(target.url)
    const undici = await undiciRate(target.url)
    // alternate which runner variant goes first: later runs in a process run a little hotter
    const plainFirst = round % 2 === 0
    const first = await runnerRate(target.url, plainFirst ? undefined : join(dir, 'samples.json'))
    const second = await runnerRate(target.url, plainFirst ? join(dir, 'samples.json') : undefined)
    const [runner, json] = plainFirst ? [first, second] : [second, first]
    rows.push({ baseline, undici, runner, json })
  }
  const line = (name: string, pick: (r: (typeof rows)[number]) => number) => {
    const rps = median(rows.map(pick))
    const ratio = median(rows.map((r) => pick(r) / r.baseline))
    return `${name.padEnd(30)} ${rps.toFixed(0).padStart(7)} req/s   ${ratio.toFixed(2)}x`
  }
  console.log(
    `\n${connections} connections/VUs, ${rounds} interleaved rounds of ${seconds} s, node ${process.version} (medians)`,
  )
  console.log(line('autocannon (baseline)', (r) => r.baseline))
  console.log(line('undici alone (the client)', (r) => r.undici))
  console.log(line('k6-runner, constant-vus', (r) => r.runner))
  console.log(line('k6-runner + --out json', (r) => r.json))
} finally {
  target.stop()
  rmSync(dir, { recursive: true, force: true })
}
