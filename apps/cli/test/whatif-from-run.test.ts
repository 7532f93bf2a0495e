import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore } from '@d11/store/connection'
import { upsertRun } from '@d11/store/runs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fenOf, runD11 } from './cli-process.ts'

/**
 * `d11 whatif --from-run` on a real small `d11 run` (embedded ClickHouse, the platform and the
 * reference merchant, the built-in load engine): the simulator's baseline cell must agree with the
 * run's own late pickups and payouts, and the grid must find a cheaper cell.
 *
 * The first run's mix is prepared and understaffed shops only (late pickups for sure); the second
 * runs the default mix, whose oversell-prone shops sell past stock.
 */

/** Low enough for a busy 2-core box, high enough that understaffed shops miss pickups. */
const RUN = ['--peak-rps', '150', '--duration', '30s', '--engine', 'builtin']
const MIX = 'prepared=0.5,understaffed=0.5'

let cwd: string
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'd11-whatif-from-run-'))
})
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

const d11 = (args: string[]) => runD11(cwd, args)

describe('d11 whatif --from-run', () => {
  it('prints the baseline beside the live figures, agreeing, and a cheaper cell', async () => {
    const run = await d11(['run', '--run-id', 'e2e-from-run', '--mix', MIX, ...RUN])
    // 99 (a latency threshold broke on a busy box) still stores everything
    expect([0, 99], run.out).toContain(run.code)
    const late = /pickup {3}(\d+) of \d+ orders missed the 48 h pickup/.exec(run.out)
    expect(late, run.out).not.toBeNull()
    const liveLate = Number(late![1])
    expect(liveLate, run.out).toBeGreaterThan(0)

    const res = await d11(['whatif', '--from-run', 'e2e-from-run', '--out', 'reports/from-run.html'])
    expect(res.code, res.out).toBe(0)
    const row = (figure: string) => {
      const m = new RegExp(`^ {2}${figure.replace(/[()]/g, '\\$&')}\\s+(\\S+)\\s+(\\S+)\\s`, 'm').exec(
        res.out,
      )
      expect(m, `${figure} in\n${res.out}`).not.toBeNull()
      return { live: m![1]!, sim: m![2]! }
    }
    const lateRow = row('late pickups (SHIP-1)')
    expect(Number(lateRow.live)).toBe(liveLate)
    const simLate = Number(lateRow.sim)
    expect(Math.abs(simLate - liveLate)).toBeLessThanOrEqual(Math.max(1, Math.ceil(0.02 * liveLate)))
    const payout = row('payouts late_shipment (PAY-1)')
    const oneOrder = 500_00 // PAY-1's ceiling: no single payout is more
    expect(
      Math.abs(fenOf(payout.sim) - fenOf(payout.live)) <=
        Math.max(oneOrder, 0.02 * Math.max(fenOf(payout.live), fenOf(payout.sim))),
    ).toBe(true)
    expect(res.out).toMatch(/agree: the simulator's baseline matches the live run/)
    expect(res.out).not.toMatch(/DISAGREE/)

    const head = /saving vs the baseline cell's (¥[\d,.]+), the live run paid (¥[\d,.]+)\)/.exec(res.out)
    expect(head, res.out).not.toBeNull()
    const baselineFen = fenOf(head![1]!)
    const liveFen = fenOf(head![2]!)
    // this mix pays PAY-1 only: the run paid its PAY-1 line, the baseline cell the simulator's
    expect(liveFen).toBe(fenOf(payout.live))
    expect(baselineFen).toBe(fenOf(payout.sim))
    const cells = [...res.out.matchAll(/^ {2}(\S+=\S+)\s+(\d+)\s+(\d+)\s+(¥[\d,.]+)\s+(-?¥[\d,.]+)$/gm)]
    expect(cells.length, res.out).toBe(6)
    const costs = cells.map((c) => fenOf(c[4]!))
    expect(costs).toEqual([...costs].sort((a, b) => a - b))
    expect(costs[0]!).toBeLessThan(liveFen)
    expect(costs[0]!).toBeLessThan(baselineFen)
    // the x1 cells with the run's own share are the baseline cell: no saving
    expect(costs).toContain(baselineFen)
    expect(res.out).toMatch(/[1-5] of 6 cells cost less than the baseline cell/)
    expect(existsSync(join(cwd, 'reports', 'from-run.html'))).toBe(true)
  }, 400_000)

  it('names an unknown run and how to make one; names the field a run stored before lacks', async () => {
    const unknown = await d11(['whatif', '--from-run', 'no-such-run'])
    expect(unknown.code).toBe(2)
    expect(unknown.out).toMatch(/no run "no-such-run" in database d11/)
    expect(unknown.out).toMatch(/d11 run --run-id/)

    const store = await openStore({ path: join(cwd, '.d11', 'clickhouse') })
    try {
      await upsertRun(store, {
        runId: 'old-run',
        kind: 'load',
        status: 'passed',
        seed: 42,
        calendar: '2022',
        parameters: { profile: 'prepared' },
      })
    } finally {
      await store.close()
    }
    const old = await d11(['whatif', '--from-run', 'old-run'])
    expect(old.code).toBe(2)
    expect(old.out).toMatch(/run "old-run" has no stored "population"/)
  }, 120_000)

  // The default mix has oversell-prone shops (`lagging`: the merchant republishes a stale stock
  // view every few minutes): the simulator's publication schedule must oversell the same orders.
  it('with the default mix (lagging shops included) the oversold orders agree too', async () => {
    const run = await d11(['run', '--run-id', 'e2e-from-run-lagging', ...RUN])
    expect([0, 99], run.out).toContain(run.code)
    const res = await d11(['whatif', '--from-run', 'e2e-from-run-lagging'])
    expect(res.code, res.out).toBe(0)
    expect(res.out).toMatch(/agree: the simulator's baseline matches the live run/)
  }, 400_000)
})
