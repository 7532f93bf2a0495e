import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runScript } from '@d11/k6-runner/run'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCENARIOS } from '../lib/catalog.js'
import { windowFor } from '../lib/windows.js'
import { startStack } from './world.ts'

let stack: Awaited<ReturnType<typeof startStack>>
beforeAll(async () => {
  stack = await startStack()
})
afterAll(() => stack?.close())

async function run(name: string, extra: Record<string, string> = {}) {
  const out = join(stack.dir, `${name}-${Object.keys(extra).join('-')}.json`)
  const printed: string[] = []
  const result = await runScript({
    script: fileURLToPath(SCENARIOS[name]!.file),
    env: {
      BASE_URL: stack.baseUrl,
      MERCHANT_URL: stack.merchantUrl,
      DATA_DIR: stack.world,
      // one simulated hour in 2 s
      COMPRESS: '1800',
      PEAK_RPS: '15',
      SETUP_ORDERS: '40',
      RUN_ID: `t-${name}`,
      ...extra,
    },
    includeSystemEnv: false,
    out,
    stdout: (t) => printed.push(t),
    stderr: (t) => printed.push(t),
  })
  return { result, out, printed: printed.join('') }
}

describe('every scenario runs against platform + merchant under the built-in runner (tiny world)', () => {
  for (const name of Object.keys(SCENARIOS)) {
    it(name, async () => {
      const { result, out, printed } = await run(name)
      expect(result.error, printed).toBeUndefined()
      expect(result.exitCode).toBe(0)
      const m = result.summary!.metrics
      expect(m.http_reqs!.values.count).toBeGreaterThan(5)
      expect(m.checks!.values.rate).toBeGreaterThan(0.95)
      expect(m.http_req_failed!.values.rate).toBeLessThan(0.01)
      expect(
        Object.keys(m).some((k) => k.startsWith('d11_') && k !== 'd11_iteration_latency_from_schedule'),
      ).toBe(true)
      // the SLO thresholds were evaluated and reported
      expect(Object.values(m).filter((x) => x.thresholds).length).toBeGreaterThan(2)
      expect(printed).toContain(`${name}:`)
      const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean)
      const points = lines
        .map((l) => JSON.parse(l))
        .filter((l) => l.type === 'Point' && l.metric === 'http_reqs')
      expect(points.some((p) => p.data.tags.scenario && p.data.tags.name && p.data.tags.status)).toBe(true)
    })
  }

  it('replay mode starts exactly one iteration per world event in the window', async () => {
    const { result, printed } = await run('consultation-storm', { REPLAY: '1' })
    expect(result.exitCode, printed).toBe(0)
    const window = windowFor('consultation-storm', '2022')
    const events = readFileSync(join(stack.world, 'consultations.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { simTime: number })
      .filter((c) => c.simTime >= window.from && c.simTime < window.to).length
    expect(events).toBeGreaterThan(10)
    expect(result.summary!.metrics.iterations!.values.count).toBe(events)
  })
})
