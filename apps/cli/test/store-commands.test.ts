import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { k6SynthLines } from '@d11/store/k6-synth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/** `d11 ingest`, `d11 report`, `d11 compare` end to end, each a real process on a real store. */

const run = promisify(execFile)
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const TSX = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url))
let dir: string
let flags: string[]
let basePoints = 0

async function d11(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, [MAIN, ...args, ...flags], {
      env: { ...process.env, FORCE_COLOR: '0' },
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'd11-cli-store-'))
  flags = ['--data', join(dir, 'clickhouse'), '--db', `d11_test_cli_${process.pid}`]
  const write = (name: string, lines: string[]) => writeFileSync(join(dir, name), `${lines.join('\n')}\n`)
  const base = [...k6SynthLines({ seconds: 120, rate: 10 })]
  basePoints = base.filter((l) => l.includes('"type":"Point"')).length
  write('base.json', base)
  write('same.json', [...k6SynthLines({ seconds: 120, rate: 10 })])
  // seeded regression: 50 % slower, 10 % of arrivals dropped, plus two malformed lines
  const slow = [...k6SynthLines({ seconds: 120, rate: 10, latencyMs: 60, achieved: 0.9 })]
  slow.splice(2, 0, 'not json')
  slow.splice(7, 0, '{"type":"Point","metric":"http_reqs","data":{"time":"2022","value":1}}')
  write('slow.json', slow)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('d11 ingest / report / compare', () => {
  it('ingest k6 loads runs and lists malformed lines by number', async () => {
    const first = await d11('ingest', 'k6', join(dir, 'base.json'), '--run', 'base')
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(`ingested ${basePoints} samples and 6 metric declarations`)
    expect((await d11('ingest', 'k6', join(dir, 'same.json'), '--run', 'same')).code).toBe(0)
    const slow = await d11('ingest', 'k6', join(dir, 'slow.json'), '--run', 'slow')
    expect(slow.code).toBe(0)
    expect(slow.stdout).toMatch(
      /2 malformed line\(s\) skipped: 3 \(not JSON\), 8 \(`data.time` is not an ISO timestamp\)/,
    )
  }, 120_000)

  it('compare: identical run exits 0, seeded regression exits 1, bad budget exits 2', async () => {
    const same = await d11('compare', 'base', 'same', '--fail-on', 'p99+10%,payout+5%,achieved-1%')
    expect(same.stdout).toMatch(/ok: every budget holds/)
    expect(same.code).toBe(0)
    const slow = await d11('compare', 'base', 'slow', '--fail-on', 'p99+10%,payout+5%,achieved-1%')
    expect(slow.stdout).toMatch(/p99 .* FAIL/)
    expect(slow.stdout).toMatch(/FAIL: p99\+10%, achieved-1% broken/)
    expect(slow.code).toBe(1)
    const bad = await d11('compare', 'base', 'slow', '--fail-on', 'p99*2')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--fail-on: "p99\*2"/)
    const unknown = await d11('compare', 'base', 'nope')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/<run>: no data for run "nope"/)
  }, 120_000)

  it('report prints the summary and writes one HTML file; usage errors exit 2', async () => {
    const out = join(dir, 'reports', 'slow.html')
    const r = await d11('report', 'slow', '--out', out)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/dropped 120 {2}achieved 90\.0% of target/)
    expect(existsSync(out)).toBe(true)
    expect(readFileSync(out, 'utf8')).toMatch(/<svg[\s\S]*Latency percentiles over time/)
    const missing = await d11('ingest', 'k6', join(dir, 'base.json'))
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/--run/)
  }, 120_000)
})
