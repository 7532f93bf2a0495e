// Load shedding (the platform's 503 + Retry-After) is counted as shed, not as a failed check,
// under the built-in runner and under real k6 when one is found.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runScript } from '@d11/k6-runner/run'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { k6, realK6Title, runK6 } from './real-k6.ts'

let server: Server
let baseUrl: string
const dir = mkdtempSync(join(tmpdir(), 'd11-shed-'))

beforeAll(async () => {
  // /shed answers like the platform's overload guard; /fault like an injected fault (no Retry-After)
  server = createServer((req, res) => {
    const body = JSON.stringify(req.url === '/ok' ? { ok: true } : { code: 'PLAT_ERR_X', message: 'x' })
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (req.url === '/shed') headers['retry-after'] = '1'
    res.writeHead(req.url === '/ok' ? 200 : 503, headers).end(body)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server?.close()
  rmSync(dir, { recursive: true, force: true })
})

const platformLib = new URL('../lib/platform.js', import.meta.url).href
const script = join(dir, 'shed.js')
writeFileSync(
  script,
  `import { answered, api } from '${platformLib}'
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 1, iterations: 1 } } }
export default async function () {
  for (const path of ['/ok', '/shed', '/shed', '/fault']) answered(await api('GET', path, undefined, 'probe'), path)
}
export function handleSummary(data) {
  return { [__ENV.SUMMARY]: JSON.stringify(data) }
}
`,
)

interface Summary {
  metrics: Record<string, { values: Record<string, number> }>
}

/** 2 shed, none checked; /ok passes both checks; /fault fails "answered" and passes "carries a code". */
function expectShedCounted(summary: Summary) {
  expect(summary.metrics.d11_shed_requests!.values.count).toBe(2)
  expect(summary.metrics.checks!.values.passes).toBe(3)
  expect(summary.metrics.checks!.values.fails).toBe(1)
}

describe('503 + Retry-After is shed, not a failed check', () => {
  it('under the built-in runner', async () => {
    const summary = join(dir, 'builtin.json')
    const result = await runScript({
      script,
      env: { BASE_URL: baseUrl, SUMMARY: summary },
      includeSystemEnv: false,
      stdout: () => {},
      stderr: () => {},
    })
    expect(result.exitCode, result.error).toBe(0)
    expectShedCounted(result.summary as unknown as Summary)
  })

  describe.skipIf(!k6)(realK6Title('under real k6'), () => {
    it('counts the same', async () => {
      const summary = join(dir, 'k6.json')
      const r = await runK6(['run', '-q', '-e', `BASE_URL=${baseUrl}`, '-e', `SUMMARY=${summary}`, script])
      expect(r.code, r.stderr).toBe(0)
      expectShedCounted(JSON.parse(readFileSync(summary, 'utf8')) as Summary)
    })
  })
})
