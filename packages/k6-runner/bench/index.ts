/**
 * Benchmark: real k6 and the built-in runner on the same async script (bench/max-rate.js) against
 * the same trivial endpoint, in one run; autocannon on that endpoint as a reference. The server is
 * pinned to core 1 and each load generator to core 0 (`taskset`), every one in its own process.
 * Then peak memory (RSS) of each engine at 50 and 1,000 VUs, and the memory per VU between them.
 *   pnpm --filter @d11/k6-runner bench      (3 interleaved rounds of 5 s, 50 VUs)
 *   BENCH_SECONDS=10 BENCH_ROUNDS=5 BENCH_VUS=100 pnpm --filter @d11/k6-runner bench
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findK6, k6Version } from '../src/find-k6.ts'

const seconds = Number(process.env.BENCH_SECONDS ?? 5)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const vus = Number(process.env.BENCH_VUS ?? 50)
const memoryVus = [50, 1000]

const SCRIPT = fileURLToPath(new URL('./max-rate.js', import.meta.url))
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const SERVER = `
const http = require('node:http')
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('ok') })
server.keepAliveTimeout = 60000
server.listen(0, '127.0.0.1', () => process.send(server.address().port))
`
const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0
/** `taskset -c CORE cmd args` when taskset works here, else the command alone. */
const onCore = (core: number, cmd: string, args: string[]): [string, string[]] =>
  pinned ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args]

async function startTarget(): Promise<{ url: string; stop: () => void }> {
  const [cmd, args] = onCore(1, process.execPath, ['-e', SERVER])
  const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(Number(p))))
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() }
}

/** Highest resident set size of a process, sampled from /proc every 50 ms until it exits. */
function watchRss(child: ChildProcess): () => number {
  let peak = 0
  const timer = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
      peak = Math.max(peak, kb * 1024)
    } catch {
      // the process has exited
    }
  }, 50)
  child.once('exit', () => clearInterval(timer))
  return () => peak
}

interface EngineRun {
  rps: number
  peakRss: number
}

type Engine = 'k6' | 'builtin'

/** One engine in its own process on core 0: the script for `secs` s with `count` VUs. */
async function runEngine(engine: Engine, k6: string, url: string, count: number, secs: number) {
  const summary = join(dir, `${engine}-${count}.json`)
  const env = [
    '-e',
    `TARGET=${url}`,
    '-e',
    `VUS=${count}`,
    '-e',
    `DURATION=${secs}s`,
    '-e',
    `SUMMARY=${summary}`,
  ]
  const [cmd, args] =
    engine === 'k6'
      ? onCore(0, k6, ['run', '-q', ...env, SCRIPT])
      : onCore(0, process.execPath, ['--import', 'tsx', CLI, 'run', SCRIPT, ...env])
  const child = spawn(cmd, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, K6_NO_USAGE_REPORT: 'true' },
  })
  const peakRss = watchRss(child)
  const code = await new Promise<number | null>((r) => child.once('exit', r))
  if (code !== 0) throw new Error(`${engine} exited ${code}`)
  const metrics = JSON.parse(readFileSync(summary, 'utf8')).metrics
  const failed = metrics.http_req_failed?.values.passes ?? 0
  if (failed > 0) throw new Error(`${engine} saw ${failed} failed requests`)
  return { rps: metrics.http_reqs.values.count / secs, peakRss: peakRss() } satisfies EngineRun
}

async function autocannonRate(url: string): Promise<number> {
  const [cmd, args] = onCore(0, process.execPath, [
    '-e',
    `require('autocannon')({ url: ${JSON.stringify(url)}, connections: ${vus}, duration: ${seconds} }, (e, r) => console.log(r.errors + r.non2xx ? 0 : r.requests.total))`,
  ])
  const child = spawn(cmd, args, {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()))
  await new Promise((r) => child.once('exit', r))
  // 0 when autocannon saw errors or non-2xx answers: its count would not be comparable
  return Number(out.trim()) / seconds
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`

const k6 = findK6()?.path
if (!k6) {
  console.error(
    'bench: no k6 found (K6_BIN, PATH, ../shared/tools/k6): it compares real k6 with the built-in runner',
  )
  process.exit(1)
}
const target = await startTarget()
const dir = mkdtempSync(join(tmpdir(), 'k6r-bench-'))
try {
  console.log(
    `${k6Version(k6)} · node ${process.version} · ${pinned ? 'generator on core 0, server on core 1' : 'taskset missing: unpinned'}`,
  )
  // warm-up: the server's JIT and both engines' first run
  await runEngine('k6', k6, target.url, vus, 2)
  await runEngine('builtin', k6, target.url, vus, 2)
  const rows: Array<{ k6: number; builtin: number; autocannon: number }> = []
  for (let round = 0; round < rounds; round++) {
    // alternate the order: the machine is shared, so each ratio compares neighbours in time
    const k6First = round % 2 === 0
    const a = await runEngine(k6First ? 'k6' : 'builtin', k6, target.url, vus, seconds)
    const b = await runEngine(k6First ? 'builtin' : 'k6', k6, target.url, vus, seconds)
    const [real, builtin] = k6First ? [a, b] : [b, a]
    rows.push({ k6: real.rps, builtin: builtin.rps, autocannon: await autocannonRate(target.url) })
    const r = rows.at(-1)!
    console.log(
      `round ${round + 1}: k6 ${r.k6.toFixed(0)} · builtin ${r.builtin.toFixed(0)} (${(r.builtin / r.k6).toFixed(2)}x) · autocannon ${r.autocannon.toFixed(0)} req/s`,
    )
  }
  const line = (name: string, pick: (r: (typeof rows)[number]) => number) =>
    `${name.padEnd(34)} ${median(rows.map(pick)).toFixed(0).padStart(7)} req/s   ${median(rows.map((r) => pick(r) / r.k6)).toFixed(2)}x k6`
  console.log(
    `\n${vus} VUs, ${rounds} interleaved rounds of ${seconds} s (medians; ratio per round, then median)`,
  )
  console.log(line('real k6 (baseline)', (r) => r.k6))
  console.log(line('built-in runner', (r) => r.builtin))
  console.log(line('autocannon (reference)', (r) => r.autocannon))

  console.log(`\npeak RSS, ${seconds} s of the same script`)
  const memory: Record<Engine, number[]> = { k6: [], builtin: [] }
  for (const count of memoryVus) {
    for (const engine of ['k6', 'builtin'] as const) {
      const run = await runEngine(engine, k6, target.url, count, seconds)
      memory[engine].push(run.peakRss)
      console.log(
        `${engine.padEnd(8)} ${String(count).padStart(5)} VUs: ${mb(run.peakRss)} (${run.rps.toFixed(0)} req/s)`,
      )
    }
  }
  for (const engine of ['k6', 'builtin'] as const) {
    const [small, large] = memory[engine] as [number, number]
    const perVu = (large - small) / (memoryVus[1]! - memoryVus[0]!)
    console.log(`${engine.padEnd(8)} memory per VU (50 -> 1000 VUs): ${(perVu / 1024).toFixed(0)} KB`)
  }
} finally {
  target.stop()
  rmSync(dir, { recursive: true, force: true })
}
