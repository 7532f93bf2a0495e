/**
 * `pnpm --filter @d11/store bench`: ingest throughput and report query latency on the embedded
 * engine, each as a ratio against a baseline measured in the same run.
 *
 * 1. Ingest: `ingestK6` (defaults: the engine reads the file; per-line validation, bad-line
 *    reporting, line identity, dedup token) vs the bare engine file reader
 *    (`INSERT INTO k6_samples SELECT … FROM file(…, 'JSONEachRow')`, no validation) on the same
 *    k6 JSON file. Target: ≥ 0.7× the bare reader's rows/s. Both feed the per-minute view.
 * 2. Report queries: each analysis query's median latency, and the per-minute latency query read
 *    from the materialized view vs computed from raw samples.
 *
 * BENCH_ROWS (default 1000000) sets the sample count, BENCH_ROUNDS (default 2) the rounds.
 */

import { once } from 'node:events'
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import * as analysis from '../src/analysis.ts'
import { openStore, queryRows, type Store } from '../src/connection.ts'
import { ingestK6 } from '../src/ingest-k6.ts'
import { k6SynthLines } from '../src/k6-synth.ts'

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const RATE = 200 // iterations/s → 4 points each + 1 target point per second
const SECONDS = Math.ceil(ROWS / (RATE * 4 + 1))

const dir = mkdtempSync(join(tmpdir(), 'd11-store-bench-'))
const file = join(dir, 'k6.json')

async function writeFixture(): Promise<number> {
  const out = createWriteStream(file)
  let lines = 0
  let buf: string[] = []
  for (const line of k6SynthLines({ seconds: SECONDS, rate: RATE, seed: 11 })) {
    buf.push(line)
    lines += 1
    if (buf.length === 10_000) {
      if (!out.write(`${buf.join('\n')}\n`)) await once(out, 'drain')
      buf = []
    }
  }
  out.end(`${buf.join('\n')}\n`)
  await once(out, 'finish')
  return lines
}

async function count(store: Store, runId: string): Promise<number> {
  const [r] = await queryRows<{ c: number }>(
    store,
    `SELECT count() AS c FROM ${store.t('k6_samples')} WHERE run_id = {r:String}`,
    { r: runId },
  )
  return Number(r?.c)
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now()
  const v = await fn()
  return [performance.now() - t0, v]
}

async function median(fn: () => Promise<unknown>, n = 5): Promise<number> {
  const xs: number[] = []
  for (let i = 0; i < n; i++) xs.push((await time(fn))[0])
  xs.sort((a, b) => a - b)
  return xs[Math.floor(n / 2)] ?? 0
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000
const fmt = (ms: number) => `${ms.toFixed(1).padStart(8)} ms`

async function main() {
  const lines = await writeFixture()
  const store = await openStore({ database: 'd11_bench', path: join(dir, 'clickhouse') })
  console.log(`# @d11/store bench — ${lines.toLocaleString('en-US')} k6 lines, ${store.engine} engine`)

  // Each contestant loads into a fresh run (its own rows, no dedup hits); best of ROUNDS.
  const engineInsert = (runId: string) =>
    store.client.command({
      query: `INSERT INTO ${store.t('k6_samples')} (run_id, source, line, metric, type, value, tags, ts)
        SELECT '${runId}', 'k6.json', rowNumberInAllBlocks() + 1, metric, '', data.value, data.tags, parseDateTime64BestEffort(data.time, 3)
        FROM file('${file}', 'JSONEachRow', 'type String, metric String, data Tuple(time String, value Float64, tags Map(String, String))')
        WHERE type = 'Point'`,
    })
  let engineMs = Number.POSITIVE_INFINITY
  let nodeMs = Number.POSITIVE_INFINITY
  // Process CPU time (Node + the in-process engine's threads): independent of how busy the box is.
  let engineCpu = Number.POSITIVE_INFINITY
  let nodeCpu = Number.POSITIVE_INFINITY
  let rows = 0
  for (let round = 0; round < ROUNDS; round++) {
    // baseline: the engine reads the file itself (same columns, same materialized view)
    let c = process.cpuUsage()
    engineMs = Math.min(engineMs, (await time(() => engineInsert(`engine-${round}`)))[0])
    engineCpu = Math.min(engineCpu, cpuMs(process.cpuUsage(c)))
    c = process.cpuUsage()
    const [ms, res] = await time(() => ingestK6(store, file, { runId: `node-${round}` }))
    nodeCpu = Math.min(nodeCpu, cpuMs(process.cpuUsage(c)))
    nodeMs = Math.min(nodeMs, ms)
    const [a, b] = [await count(store, `engine-${round}`), await count(store, `node-${round}`)]
    if (a !== b || b !== res.points)
      throw new Error(`row mismatch: engine ${a}, ingestK6 ${b}, reported ${res.points}`)
    rows = b
  }
  const engineRate = rows / (engineMs / 1000)
  const nodeRate = rows / (nodeMs / 1000)
  console.log(
    `\n## ingest of ${rows.toLocaleString('en-US')} samples (rows/s, best of ${ROUNDS}, higher is better)`,
  )
  console.log(
    `engine file() INSERT … SELECT (baseline) ${Math.round(engineRate).toLocaleString('en-US').padStart(12)} rows/s  1.00×`,
  )
  console.log(
    `d11 ingestK6                             ${Math.round(nodeRate).toLocaleString('en-US').padStart(12)} rows/s  ${(nodeRate / engineRate).toFixed(2)}×  (target ≥ 0.70×)`,
  )
  console.log(`\n## ingest CPU time per 1M rows (Node + engine threads, lower is better)`)
  console.log(`engine file() INSERT … SELECT (baseline) ${fmt((engineCpu / rows) * 1e6)}  1.00×`)
  console.log(
    `d11 ingestK6                             ${fmt((nodeCpu / rows) * 1e6)}  ${(nodeCpu / engineCpu).toFixed(2)}× the CPU`,
  )
  console.log(
    `load average during the run: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores`,
  )

  console.log('\n## report queries on the ingested run (median of 5)')
  const rawLatency = () =>
    queryRows(
      store,
      `SELECT scenario, toStartOfMinute(ts) AS minute, count(), quantiles(0.5, 0.95, 0.99)(value)
       FROM ${store.t('k6_samples')} FINAL WHERE run_id = 'node-0' AND metric = 'http_req_duration' GROUP BY scenario, minute`,
    )
  const base = await median(rawLatency)
  const mv = await median(() => analysis.latencyByMinute(store, 'node-0'))
  console.log(`latency per minute from raw samples (baseline) ${fmt(base)}  1.00×`)
  console.log(
    `latencyByMinute from k6_minute view            ${fmt(mv)}  ${(mv / base).toFixed(2)}× the time`,
  )
  const queries: Array<[string, () => Promise<unknown>]> = [
    ['loadSummary', () => analysis.loadSummary(store, 'node-0')],
    ['arrivalByMinute', () => analysis.arrivalByMinute(store, 'node-0')],
    ['errorRateByMinute', () => analysis.errorRateByMinute(store, 'node-0')],
    ['slaCompliance', () => analysis.slaCompliance(store, 'node-0')],
    ['payoutsBy cause', () => analysis.payoutsBy(store, 'node-0', 'cause')],
    ['payoutsByHour', () => analysis.payoutsByHour(store, 'node-0')],
  ]
  let total = 0
  for (const [name, fn] of queries) {
    const ms = await median(fn)
    total += ms
    console.log(`${name.padEnd(46)} ${fmt(ms)}  ${(ms / base).toFixed(2)}× the baseline`)
  }
  console.log(`${'whole report query set'.padEnd(46)} ${fmt(total + mv)}`)
  await store.close()
}

try {
  await main()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
