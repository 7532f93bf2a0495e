// peak-nov11's warm-up: a few low-rate seconds tagged phase:warmup before the measured scenarios
// (phase:peak), left out of the thresholds — under the built-in runner and, when found, real k6.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runScript } from '@d11/k6-runner/run'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCENARIOS } from '../lib/catalog.js'
import { k6, realK6Title, runK6 } from './real-k6.ts'
import { stackEnv, startStack } from './world.ts'

const script = fileURLToPath(SCENARIOS['peak-nov11']!.file)

interface Point {
  type: string
  metric: string
  data: { time: string; value: number; tags: Record<string, string> }
}

let stack: Awaited<ReturnType<typeof startStack>>
beforeAll(async () => {
  stack = await startStack()
})
afterAll(() => stack?.close())

const env = (runId: string) => stackEnv(stack, runId, { PEAK_RPS: '40', WARMUP_S: '2' })

/** Request samples of a `--out json` file, split by phase. */
function phases(file: string) {
  const reqs = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Point)
    .filter((p) => p.type === 'Point' && p.metric === 'http_req_duration' && p.data.tags.scenario)
  const at = (p: Point) => Date.parse(p.data.time) - p.data.value
  const warm = reqs.filter((p) => p.data.tags.phase === 'warmup')
  const peak = reqs.filter((p) => p.data.tags.phase === 'peak')
  return {
    warm,
    peak,
    untagged: reqs.length - warm.length - peak.length,
    warmStart: Math.min(...warm.map(at)),
    peakStart: Math.min(...peak.map(at)),
  }
}

function expectWarmupFirst(file: string) {
  const p = phases(file)
  // 40/s peak → 5/s for 2 s; every scenario request is in one phase or the other
  expect(p.warm.length).toBeGreaterThanOrEqual(8)
  expect(p.peak.length).toBeGreaterThan(p.warm.length)
  expect(p.untagged).toBe(0)
  expect(new Set(p.warm.map((x) => x.data.tags.scenario))).toEqual(new Set(['warmup']))
  expect(new Set(p.peak.map((x) => x.data.tags.scenario))).toEqual(new Set(['checkout', 'consult']))
  // the measured scenarios start WARMUP_S after the warm-up (a little scheduling slack)
  expect(p.peakStart - p.warmStart).toBeGreaterThan(1800)
}

describe('peak-nov11 warms up before its window', () => {
  it('built-in runner: warm-up samples tagged phase:warmup first, thresholds only on phase:peak', async () => {
    const out = join(stack.dir, 'warm-builtin.json')
    const result = await runScript({
      script,
      env: env('warm-builtin'),
      includeSystemEnv: false,
      out,
      stdout: () => {},
      stderr: () => {},
    })
    expect(result.exitCode, result.error).toBe(0)
    const judged = Object.entries(result.summary!.metrics)
      .filter(([, m]) => m.thresholds)
      .map(([name]) => name)
    expect(judged).toEqual(
      expect.arrayContaining([
        'http_req_failed{phase:peak}',
        'checks{phase:peak}',
        'http_req_duration{name:orders.place,phase:peak}',
      ]),
    )
    expect(judged.filter((n) => n.startsWith('http_req') && !n.includes('phase:peak'))).toEqual([])
    expectWarmupFirst(out)
  }, 60_000)

  it('WARMUP_S=0 runs no warm-up', async () => {
    const out = join(stack.dir, 'warm-none.json')
    const result = await runScript({
      script,
      env: { ...env('warm-none'), WARMUP_S: '0' },
      includeSystemEnv: false,
      out,
      stdout: () => {},
      stderr: () => {},
    })
    expect(result.exitCode, result.error).toBe(0)
    const p = phases(out)
    expect(p.warm.length).toBe(0)
    expect(p.peak.length).toBeGreaterThan(10)
  }, 60_000)

  it.skipIf(!k6)(
    realK6Title('real k6: the same warm-up and thresholds'),
    async () => {
      const out = join(stack.dir, 'warm-k6.json')
      const summary = join(stack.dir, 'warm-k6-summary.json')
      const envArgs = Object.entries({ ...env('warm-k6'), SUMMARY_FILE: summary }).flatMap(([k, v]) => [
        '-e',
        `${k}=${v}`,
      ])
      const real = await runK6(['run', '--out', `json=${out}`, ...envArgs, script], { timeoutMs: 90_000 })
      expect(real.code, real.stderr.slice(-2000)).toBe(0)
      const metrics = JSON.parse(readFileSync(summary, 'utf8')).metrics as Record<
        string,
        { thresholds?: unknown }
      >
      expect(metrics['http_req_duration{name:orders.place,phase:peak}']?.thresholds).toBeDefined()
      expectWarmupFirst(out)
    },
    120_000,
  )
})
