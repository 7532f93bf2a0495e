// k6's init semantics in the built-in runner: scripts from any folder, one module instance per VU.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runScript } from '../src/run.ts'
import { metric } from './helpers.ts'

// outside the repository: no package.json with "type": "module", no node_modules with k6 shims
const dir = mkdtempSync(join(tmpdir(), 'd11-k6-script-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

writeFileSync(
  join(dir, 'counter-lib.js'),
  `// module-level state in an imported file: per VU too
let calls = 0
export function bump() { calls += 1; return calls }
`,
)
writeFileSync(
  join(dir, 'per-vu.js'),
  `import { check } from 'k6'
import { Trend } from 'k6/metrics'
import { bump } from './counter-lib.js'

let iterations = 0
const initVu = __VU
const seen = new Trend('seen_in_this_vu')
const libSeen = new Trend('lib_seen_in_this_vu')

export const options = { scenarios: { loop: { executor: 'per-vu-iterations', vus: 3, iterations: 4 } } }

export default async function () {
  iterations += 1
  await Promise.resolve()
  seen.add(iterations)
  libSeen.add(bump())
  check(null, {
    'init ran as this VU': () => initVu === __VU,
    'env from -e': () => __ENV.GREETING === 'hi',
  })
}
`,
)

async function quietRun(script: string, out?: string) {
  const printed: string[] = []
  const result = await runScript({
    script,
    env: { GREETING: 'hi' },
    includeSystemEnv: false,
    ...(out ? { out } : {}),
    stdout: (t) => printed.push(t),
    stderr: (t) => printed.push(t),
  })
  return { result, printed: printed.join('') }
}

describe('k6 init semantics in the built-in runner', () => {
  it('runs a script from a folder outside the repository, resolving k6/* and its relative imports', async () => {
    const { result, printed } = await quietRun(join(dir, 'per-vu.js'))
    expect(result.error, printed).toBeUndefined()
    expect(result.exitCode).toBe(0)
    expect(metric(result, 'iterations').count).toBe(12)
  })

  it('gives every VU its own module instance: module-level counters count per VU, as in k6', async () => {
    const out = join(dir, 'samples.json')
    const { result, printed } = await quietRun(join(dir, 'per-vu.js'), out)
    expect(result.exitCode, printed).toBe(0)
    // 3 VUs x 4 iterations: each VU's counters run 1..4; one shared instance would reach 12
    expect(metric(result, 'seen_in_this_vu')).toMatchObject({ min: 1, max: 4 })
    expect(metric(result, 'lib_seen_in_this_vu')).toMatchObject({ min: 1, max: 4 })
    expect(metric(result, 'checks').rate).toBe(1)
    const values = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"Point"') && l.includes('"metric":"seen_in_this_vu"'))
      .map((l) => (JSON.parse(l) as { data: { value: number } }).data.value)
    expect(values.sort((a, b) => a - b)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4])
  })

  it('refuses synchronous http.get with a message pointing at asyncRequest and real k6', async () => {
    const script = join(dir, 'sync.js')
    writeFileSync(
      script,
      `import http from 'k6/http'
export const options = { scenarios: { one: { executor: 'per-vu-iterations', vus: 1, iterations: 1 } } }
export default function () { http.get('http://127.0.0.1:9/') }
`,
    )
    const { result } = await quietRun(script)
    expect(result.exitCode).toBe(107)
    expect(result.error).toMatch(
      /k6\/http\.get\(\) is synchronous.*asyncRequest.*real k6 \(d11 load --engine k6\)/,
    )
  })
})
