import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../../../apps/cli/bin/d11.js', import.meta.url))

function d11(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

describe('d11 curve', { timeout: 90_000 }, () => {
  it('prints k6 stages as JSON, draws a PNG, and rejects bad flags with exit 2', async () => {
    const png = join(mkdtempSync(join(tmpdir(), 'd11-curve-')), 'curve.png')
    const window = ['--calendar', '2022', '--from', '2022-11-10T23:50', '--to', '2022-11-11T01:00']
    const [k6, chart, badCal, badTime] = await Promise.all([
      d11(['curve', ...window, '--compress', '60', '--peak-rps', '2000', '--k6']),
      d11(['curve', ...window, '--png', png, '--width', '400', '--height', '200']),
      d11(['curve', '--calendar', '1999', '--k6']),
      d11(['curve', '--from', 'noon', '--k6']),
    ])
    expect(k6.code).toBe(0)
    const scenario = JSON.parse(k6.stdout)
    expect(scenario.executor).toBe('ramping-arrival-rate')
    expect(Math.max(...scenario.stages.map((s: { target: number }) => s.target))).toBe(2000)
    expect(chart.code).toBe(0)
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG')
    for (const [r, flag] of [
      [badCal, '--calendar'],
      [badTime, '--from'],
    ] as const) {
      expect(r.code, flag).toBe(2)
      expect(r.stderr.trim().split('\n'), flag).toHaveLength(1)
      expect(r.stderr, flag).toContain(flag)
    }
  })
})
