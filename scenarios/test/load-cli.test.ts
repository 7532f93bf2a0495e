import { execFile } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
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

function d11(args: string[], k6Bin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, D11_CLICKHOUSE_PATH: join(stack.dir, 'clickhouse'), K6_BIN: k6Bin }
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

  it('--engine auto runs the k6 named by K6_BIN with the scenario, its env and --out json, and returns its exit code', async () => {
    // a stand-in k6 that records its arguments and fails a threshold
    const k6 = join(stack.dir, 'fake-k6')
    const argsFile = join(stack.dir, 'fake-k6-args.json')
    writeFileSync(
      k6,
      `#!${process.execPath}\nrequire('node:fs').writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)))\nprocess.exit(99)\n`,
    )
    chmodSync(k6, 0o755)
    const out = join(stack.dir, 'k6-engine.json')
    const r = await d11(
      ['presale-open', '--data', stack.world, '--compress', '120', '--out', out, '--no-ingest'],
      k6,
    )
    expect(r.code, r.stderr).toBe(99)
    expect(r.stderr).toContain(`with ${k6}`)
    const args = JSON.parse(readFileSync(argsFile, 'utf8')) as string[]
    expect(args.slice(0, 3)).toEqual(['run', '--out', `json=${out}`])
    expect(args).toContain(`DATA_DIR=${stack.world}`)
    expect(args).toContain('COMPRESS=120')
    expect(args.some((a) => a.startsWith('STAGES_FILE='))).toBe(true)
    expect(args.at(-1)).toBe(join(root, 'scenarios/presale-open.js'))
  })

  it('runs any async k6 script from a folder outside the repository with -e, and no world', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'd11-load-script-'))
    const script = join(dir, 'ping.js')
    writeFileSync(
      script,
      `import http from 'k6/http'
import { Counter } from 'k6/metrics'
const greeted = new Counter('greeted')
export const options = { scenarios: { ping: { executor: 'per-vu-iterations', vus: 2, iterations: 3 } } }
export default async function () {
  await http.asyncRequest('GET', __ENV.TARGET + '/admin/clock')
  if (__ENV.GREETING === 'hi') greeted.add(1)
}
`,
    )
    const r = await d11([
      script,
      '--engine',
      'builtin',
      '--no-ingest',
      '--out',
      join(dir, 'ping.json'),
      '-e',
      `TARGET=${stack.baseUrl}`,
      '-e',
      'GREETING=hi',
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('with the built-in runner')
    expect(r.stdout).toMatch(/greeted\.*: 6\b/)
    expect(r.stdout).toMatch(/http_reqs\.*: 6\b/)
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
