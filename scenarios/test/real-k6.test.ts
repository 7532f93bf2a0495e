// The scenarios against a real k6 binary (v0.49 in CI: ../shared/tools/k6), skipped with the
// reason in the title when none is found. Kept short: a tiny world, 2 s windows.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runScript } from '@d11/k6-runner/run'
import { queryRows } from '@d11/store/connection'
import { ingestK6 } from '@d11/store/ingest-k6'
import { openTestStore } from '@d11/store/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCENARIOS } from '../lib/catalog.js'
import { k6, realK6Title, runK6 } from './real-k6.ts'
import { stackEnv, startStack } from './world.ts'

const script = (name: string) => fileURLToPath(SCENARIOS[name]!.file)

describe.skipIf(!k6)(realK6Title('scenarios on real k6'), () => {
  let stack: Awaited<ReturnType<typeof startStack>>
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(() => stack?.close())

  const env = (runId: string) => stackEnv(stack, runId, { PEAK_RPS: '15', SETUP_ORDERS: '40' })
  const envArgs = (e: Record<string, string>) => Object.entries(e).flatMap(([k, v]) => ['-e', `${k}=${v}`])

  it('k6 inspect accepts every scenario on a generated world', async () => {
    const names = Object.keys(SCENARIOS)
    expect(names.length).toBe(7)
    const results = await Promise.all(
      names.map((name) => runK6(['inspect', ...envArgs(env(`inspect-${name}`)), script(name)])),
    )
    results.forEach((r, i) => {
      expect(r.code, `${names[i]}: ${r.stderr}`).toBe(0)
      const options = JSON.parse(r.stdout) as { scenarios: Record<string, { executor: string }> }
      expect(Object.keys(options.scenarios).length, names[i]).toBeGreaterThan(0)
    })
  }, 180_000)

  it('peak-nov11 runs on real k6 and on the built-in runner against the same world: request counts within 3 %, and the --out json lands in the store with the summary counts', async () => {
    const k6Out = join(stack.dir, 'peak-k6.json')
    const k6Summary = join(stack.dir, 'peak-k6-summary.json')
    const real = await runK6(
      [
        'run',
        '--out',
        `json=${k6Out}`,
        ...envArgs({ ...env('real-peak'), PEAK_RPS: '120', SUMMARY_FILE: k6Summary }),
        script('peak-nov11'),
      ],
      { timeoutMs: 90_000 },
    )
    expect(real.code, real.stderr.slice(-2000)).toBe(0)
    expect(real.stdout).toContain('peak-nov11:')
    const realMetrics = JSON.parse(readFileSync(k6Summary, 'utf8')).metrics as Record<
      string,
      { values: Record<string, number> }
    >

    const builtin = await runScript({
      script: script('peak-nov11'),
      env: { ...env('builtin-peak'), PEAK_RPS: '120' },
      includeSystemEnv: false,
      stdout: () => {},
      stderr: () => {},
    })
    expect(builtin.exitCode, builtin.error).toBe(0)
    const realReqs = realMetrics.http_reqs!.values.count!
    const builtinReqs = builtin.summary!.metrics.http_reqs!.values.count!
    expect(realReqs).toBeGreaterThan(20)
    expect(
      Math.abs(realReqs - builtinReqs) / realReqs,
      `k6 ${realReqs} vs builtin ${builtinReqs}`,
    ).toBeLessThan(0.03)
    expect(realMetrics.checks!.values.rate).toBeGreaterThan(0.95)

    // the samples of the real run, in the store, count what k6's summary printed
    const { store, cleanup } = await openTestStore('real_k6')
    try {
      const ingested = await ingestK6(store, k6Out, { runId: 'real-peak' })
      expect(ingested.badCount).toBe(0)
      const rows = await queryRows<{ metric: string; n: number; total: number }>(
        store,
        `SELECT metric, count() AS n, sum(value) AS total FROM ${store.t('k6_samples')}
         WHERE run_id = 'real-peak' AND metric IN ('http_reqs', 'iterations', 'd11_orders_paid')
         GROUP BY metric`,
      )
      const byMetric = Object.fromEntries(rows.map((r) => [r.metric, Number(r.total)]))
      expect(byMetric.http_reqs).toBe(realReqs)
      expect(byMetric.iterations).toBe(realMetrics.iterations!.values.count)
      expect(byMetric.d11_orders_paid).toBe(realMetrics.d11_orders_paid!.values.count)
    } finally {
      await cleanup()
    }
  }, 240_000)
})
