import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateWorld } from '@d11/generator/generate'
import { loadProfile } from '@d11/merchant-model/profile'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runTwin, TWIN_TOLERANCE } from '../src/twin-live.ts'
import { sliceWindow, TWIN_SLICES } from '../src/twin-slices.ts'

// The `lagging` oversell slice in a process of its own: run after the other twin slices in one
// worker it has placed one to three more oversold units live than the simulator (not yet
// explained; alone it agrees exactly, on a busy machine too).
let world = ''
beforeAll(async () => {
  world = mkdtempSync(join(tmpdir(), 'd11-twin-oversell-'))
  await generateWorld({ seed: 1, scale: 'tiny', calendar: '2020', out: world })
}, 120_000)
afterAll(() => rmSync(world, { recursive: true, force: true }))

describe('one scenario, two engines: the lagging oversell slice', () => {
  it('oversell slice (lagging: a 30-min-stale view every 5 min): the same orders oversold, never shipped and paid PAY-3 on both sides', async () => {
    const named = TWIN_SLICES.oversell
    const win = sliceWindow(named, '2020')
    const r = await runTwin({
      world,
      kind: named.kind,
      profile: loadProfile(named.profile, { set: [...named.set] }),
      merchantId: named.merchantId,
      from: new Date(win.from).toISOString(),
      to: new Date(win.to).toISOString(),
      horizonDays: 5,
    })
    expect(r.scenario.oversell).toEqual({
      policy: 'lagging',
      oversellShare: 0,
      buffer: 0,
      syncLagSeconds: 1800,
      syncEverySeconds: 300,
    })
    // the stale view sells the sell-out item (s-00000021, a launch stock of 5) again and again
    expect(r.sim.orders.oversold).toBeGreaterThan(5)
    expect(r.live.oversold).toBe(r.sim.orders.oversold)
    expect(r.live.placed).toBe(r.sim.orders.accepted)
    expect(r.live.rejected).toBe(r.sim.orders.rejected)
    expect(r.sim.late.oversell).toBeGreaterThan(0)
    expect(Math.abs(r.diff.late.oversell.delta)).toBeLessThanOrEqual(
      Math.max(1, Math.ceil(TWIN_TOLERANCE.late * r.sim.late.oversell)),
    )
    expect(r.live.payouts.oversell.count).toBeGreaterThan(0)
    expect(r.live.payouts.oversell.count).toBe(r.sim.payouts.oversell.count)
    expect(Math.abs(r.diff.payouts.total.deltaFen)).toBeLessThanOrEqual(r.live.priceGapFen)
    for (const k of ['late_shipment', 'oversell', 'price_protection', 'total'] as const)
      expect(r.diffAtLivePrices.payouts[k].rel).toBeLessThanOrEqual(TWIN_TOLERANCE.payouts)
    expect(r.agrees).toBe(true)
  }, 60_000)
})
