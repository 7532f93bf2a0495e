import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { generateWorld } from '../src/generate.ts'
import { tempDir } from './helpers.ts'

const bin = fileURLToPath(new URL('../../../apps/cli/bin/d11.js', import.meta.url))

function d11(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

describe('d11 gen: bad input exits 2 with one line naming the flag', { timeout: 90_000 }, () => {
  const file = join(tempDir('cli'), 'a-file')
  writeFileSync(file, 'not a directory')
  const cases: Array<[string[], string]> = [
    [['--scale', 'huge'], '--scale'],
    [['--seed', 'abc'], '--seed'],
    [['--shard', '3/2'], '--shard'],
    [['--calendar', '1999'], '--calendar'],
    [['--out', join(file, 'world')], '--out'],
  ]
  it('rejects --scale huge, --seed abc, --shard 3/2, an unknown calendar and an unwritable --out', async () => {
    const outs = cases.map(() => tempDir('bad'))
    const results = await Promise.all(
      cases.map(([args], i) => d11(['gen', '--quiet', '--out', outs[i]!, ...args])),
    )
    results.forEach((r, i) => {
      const [, flag] = cases[i]!
      expect(r.code, flag).toBe(2)
      expect(r.stderr.trim().split('\n'), flag).toHaveLength(1)
      expect(r.stderr, flag).toContain(flag)
      expect(existsSync(join(outs[i]!, 'manifest.json')), flag).toBe(false)
    })
  })

  it('writes a tiny world end to end', async () => {
    const out = tempDir('cli-ok')
    const r = await d11([
      'gen',
      '--seed',
      '7',
      '--scale',
      'tiny',
      '--calendar',
      '2020',
      '--out',
      out,
      '--format',
      'csv',
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/wrote \d+ rows/)
    expect(r.stderr).toContain('gen: orders done') // plain lines when not a terminal
    expect(readdirSync(out)).toContain('manifest.json')
    expect(readdirSync(out)).toContain('orders.csv')
  })
})

describe('nothing half-written is left looking complete', () => {
  it('leaves no manifest and no temp files when the run cannot finish', async () => {
    const out = tempDir('half')
    // A directory where the orders file must land makes the final rename fail.
    mkdirSync(join(out, 'orders.ndjson'))
    await expect(generateWorld({ seed: 42, scale: 'tiny', calendar: '2022', out })).rejects.toThrow(/--out/)
    expect(readdirSync(out).filter((f) => f === 'manifest.json' || f.includes('.tmp-'))).toEqual([])
  }, 60_000)
})
