import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { PHONE } from './helpers.ts'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const d11 = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', 'whatif', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TZ: 'America/New_York' },
  })

describe('d11 whatif', () => {
  const dir = mkdtempSync(join(tmpdir(), 'd11-whatif-cli-'))

  it('bad input exits 2 with one line naming the field or flag', () => {
    const bad = join(dir, 'bad.yaml')
    writeFileSync(bad, readFileSync(PHONE, 'utf8').replace('picksPerHour: 1000', 'picksPerHour: -1'))
    const r1 = d11(bad, '--no-store')
    expect(r1.status).toBe(2)
    expect(r1.stderr.trim().split('\n')).toHaveLength(1)
    expect(r1.stderr).toContain('warehouse.picksPerHour: must be >= 0')
  })

  it('runs a grid and writes the report and JSON', () => {
    const out = join(dir, 'r.html')
    const json = join(dir, 'r.json')
    const r = d11(
      PHONE,
      '--grid',
      'oversell.buffer=0,5%',
      '--workers',
      '0',
      '--no-store',
      '--out',
      out,
      '--json',
      json,
      '--spool',
      join(dir, 'spool'),
    )
    expect(r.status, r.stderr).toBe(0)
    const data = JSON.parse(readFileSync(json, 'utf8')) as {
      runs: Array<{ result: { payouts: { totalFen: number } } }>
    }
    expect(data.runs).toHaveLength(2)
    expect(data.runs[1]!.result.payouts.totalFen).toBe(0)
    expect(readFileSync(out, 'utf8')).toContain('Payout by cause')
  })
})
