import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStack } from './world.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const main = join(root, 'apps/cli/src/main.ts')

let stack: Awaited<ReturnType<typeof startStack>>
beforeAll(async () => {
  stack = await startStack()
})
afterAll(() => stack?.close())

function d11(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, D11_CLICKHOUSE_PATH: join(stack.dir, 'clickhouse'), K6_BIN: '' }
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', main, 'load', ...args],
      { cwd: root, env },
      (_e, stdout, stderr) => resolve({ code: child.exitCode ?? -1, stdout, stderr }),
    )
  })
}

describe('d11 load', () => {
  it('exits 2 with a one-line error naming the flag', async () => {
    const bad = await d11(['nope', '--data', stack.world])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim()).toMatch(/^d11 load: <scenario>: "nope" is neither a scenario/)
    const engine = await d11(['peak-nov11', '--engine', 'warp', '--data', stack.world])
    expect(engine.code).toBe(2)
    expect(engine.stderr.trim()).toBe('d11 load: --engine: "warp" is not auto, k6 or builtin')
  })

  it('runs a scenario on the built-in runner and lands its k6 samples in the store', async () => {
    const out = join(stack.dir, 'storm.json')
    const r = await d11([
      'consultation-storm',
      '--engine',
      'builtin',
      '--data',
      stack.world,
      '--duration',
      '3s',
      '--peak-rps',
      '10',
      '--base-url',
      stack.baseUrl,
      '--run-id',
      'cli-storm',
      '--out',
      out,
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('consultation-storm:')
    const points = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"type":"Point"')).length
    expect(r.stderr).toContain(`d11 load: ${points} samples of run cli-storm in the store`)
    // the stages came from the curve for the window
    const stages = JSON.parse(readFileSync(join(stack.dir, 'stages.json'), 'utf8'))
    expect(stages.meta).toMatchObject({ stream: 'consultations', rule: 'CAL-3' })
  })

  it("exits with the engine's code: 99 when a threshold is impossible", async () => {
    const script = join(root, 'packages/k6-runner/test/fixtures/arrival.js')
    const r = await d11([
      script,
      '--engine',
      'builtin',
      '--data',
      stack.world,
      '--no-ingest',
      '--out',
      join(stack.dir, 'impossible.json'),
      '-e',
      `BASE_URL=${stack.baseUrl}`,
      '-e',
      'DURATION=1s',
      '-e',
      'RATE=5',
      '-e',
      'THRESHOLD=max<0',
    ])
    expect(r.code, r.stderr).toBe(99)
    expect(r.stderr).toContain('thresholds crossed: http_req_duration: max<0')
  })
})
