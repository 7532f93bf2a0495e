import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateWorld } from '@d11/generator/generate'
import { loadProfile } from '@d11/merchant-model/profile'
import { compensationFor } from '@d11/order-flow/payout-amounts'
import { rulesAt } from '@d11/order-flow/rules-context'
import { scenarioRules } from '@d11/sim/engine'
import { profileToScenario, worldSlice } from '@d11/sim/twin'
import { toShanghaiIso as iso } from '@d11/time/shanghai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runTwin, TWIN_TOLERANCE, twinAgrees } from '../src/twin-live.ts'
import { sliceWindow, TWIN_SLICES } from '../src/twin-slices.ts'

// The tiny world's busiest merchant over the first three hours of Nov 11 (about 210 units, the
// 00:00 burst), through the simulator and through platform + merchant on a paused clock.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const d11 = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', 'twin', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TZ: 'America/New_York' },
  })
let world = ''
/** a tiny 2024 world: the 002 rules (PAY-4's presale amount) are in force */
let world2024 = ''
// 5 days past the slice: SHIP-1 deadlines (48 h), then complaints and their PAY-5 deadline (48 h)
const slice = {
  merchantId: 'm-000001',
  from: '2020-11-11T00:00:00+08:00',
  to: '2020-11-11T03:00:00+08:00',
  horizonDays: 5,
}

beforeAll(async () => {
  world = mkdtempSync(join(tmpdir(), 'd11-twin-'))
  await generateWorld({ seed: 1, scale: 'tiny', calendar: '2020', out: world })
  world2024 = mkdtempSync(join(tmpdir(), 'd11-twin-2024-'))
  await generateWorld({ seed: 1, scale: 'tiny', calendar: '2024', out: world2024 })
}, 60_000)
afterAll(() => {
  rmSync(world, { recursive: true, force: true })
  rmSync(world2024, { recursive: true, force: true })
})

describe('profileToScenario: the profile mapped onto the simulator', () => {
  it('splits shifts at midnight, keeps each shift rate and the daily complaint capacity', async () => {
    const s = await worldSlice({ world, ...slice })
    const prepared = profileToScenario(loadProfile('prepared'), s)
    expect(prepared.warehouse.picksPerHour).toBe(6000)
    expect(prepared.warehouse.shifts).toEqual([
      { from: '00:00', to: '08:00', picksPerHour: 4000 },
      { from: '08:00', to: '20:00' },
      { from: '20:00', to: '24:00', picksPerHour: 4000 },
    ])
    expect(prepared.warehouse.pickupWaves).toHaveLength(6)
    expect(prepared.oversell.policy).toBe('strict')
    const under = profileToScenario(loadProfile('understaffed'), s)
    // 5 complaints an hour over 9 staffed hours = 45 a day = 1.875 an hour around the clock
    expect(under.service.complaintsPerHour).toBeCloseTo(1.875, 9)
    expect(under.warehouse.pickupWaves).toEqual(['17:00'])
    expect(profileToScenario(loadProfile('oversell-prone'), s).oversell.policy).toBe('lagging')
  })

  it('uses the SKUs real presale flags and ship hours in a presale slice only (PAY-4 pays them more in 2024)', async () => {
    const named = TWIN_SLICES.presale
    const win = sliceWindow(named, '2024')
    const o = { world: world2024, merchantId: named.merchantId, from: iso(win.from), to: iso(win.to) }
    const presale = await worldSlice({ ...o, kind: 'presale' })
    expect(presale.units.length).toBeGreaterThan(20)
    // ordered (deposit) before paid (final payment)
    expect(presale.units.every((u) => u.orderedAt < u.paidAt)).toBe(true)
    const scenario = profileToScenario(loadProfile('prepared'), presale, { calendar: '2024' })
    const sold = new Set(presale.units.map((u) => u.skuId))
    for (const k of scenario.skus) {
      const world = presale.skus.find((w) => w.id === k.id)!
      expect(k.presale).toBe(world.presale)
      expect(k.presaleShipHours).toBe(world.contractShipHours ?? 0)
    }
    const soldPresale = scenario.skus.filter((k) => sold.has(k.id))
    expect(soldPresale.length).toBeGreaterThan(0)
    expect(soldPresale.every((k) => k.presale)).toBe(true)
    // PAY-4 (2024): a late presale order pays more than a spot one of the same price
    const rs = rulesAt(win.from, scenarioRules('2024'))
    const fen = Math.round(soldPresale[0]!.priceYuan * 100)
    expect(compensationFor(fen, true, false, rs).amountFen).toBeGreaterThan(
      compensationFor(fen, false, false, rs).amountFen,
    )
    // a spot slice of the same window keeps every SKU non-presale (the platform pays by order kind)
    const spot = profileToScenario(loadProfile('prepared'), await worldSlice(o), { calendar: '2024' })
    expect(spot.skus.some((k) => k.presale)).toBe(false)
  })
})

describe('one scenario, two engines (tiny world slice)', () => {
  it('prepared: no late shipment and no payout in either engine', async () => {
    const r = await runTwin({ world, profile: loadProfile('prepared'), ...slice })
    expect(r.units).toBeGreaterThan(100)
    // m-000001's sell-out item (s-00000001) sells out: the same units refused on both sides
    expect(r.live.rejected).toBeGreaterThan(0)
    expect(r.live.rejected).toBe(r.sim.orders.rejected)
    expect(r.live.placed).toBe(r.sim.orders.accepted)
    expect(r.live.pickups).toBe(r.live.placed)
    expect(r.sim.late.total).toBe(0)
    expect(r.live.late.total).toBe(0)
    expect(r.live.payouts.totalFen).toBe(0)
    expect(r.agrees).toBe(true)
  }, 60_000)

  it('understaffed (picker cut to 10 an hour): late shipments and payouts agree within the tolerance', async () => {
    const profile = loadProfile('understaffed', { set: ['warehouse.picksPerHour=10'] })
    const r = await runTwin({ world, profile, ...slice })
    expect(r.live.placed).toBe(r.sim.orders.accepted)
    expect(r.sim.late.capacity).toBeGreaterThan(10)
    expect(r.live.late.capacity).toBeGreaterThan(10)
    // inside the PAY-2 window only upheld complaints pay: the same buyers complain in both engines
    expect(r.live.complaintsFiled).toBe(r.sim.complaints.filed)
    expect(r.live.payouts.late_shipment.count).toBe(r.sim.payouts.late_shipment.count)
    expect(r.live.payouts.late_shipment.amountFen).toBeGreaterThan(0)
    expect(Math.abs(r.diff.late.total.delta)).toBeLessThanOrEqual(
      Math.max(1, Math.ceil(TWIN_TOLERANCE.late * r.sim.late.total)),
    )
    // with equal payout counts, the whole amount gap is price (platform price and coupon vs the world's)
    expect(Math.abs(r.diff.payouts.total.deltaFen)).toBeLessThanOrEqual(r.live.priceGapFen)
    // priced at what the platform charged, the simulator pays the same per cause
    for (const k of ['late_shipment', 'oversell', 'price_protection', 'total'] as const)
      expect(r.diffAtLivePrices.payouts[k].rel).toBeLessThanOrEqual(TWIN_TOLERANCE.payouts)
    expect(r.agrees).toBe(true)
  }, 60_000)

  it('presale slice (2020): deposits and final payments live, real presale flags and ship hours in the simulator', async () => {
    const named = TWIN_SLICES.presale
    const win = sliceWindow(named, '2020')
    const r = await runTwin({
      world,
      kind: named.kind,
      profile: loadProfile(named.profile),
      merchantId: named.merchantId,
      from: new Date(win.from).toISOString(),
      to: new Date(win.to).toISOString(),
      horizonDays: 5,
    })
    // the slice really is presale: every unit a presale order on a presale SKU, ordered before it was paid
    expect(r.units).toBeGreaterThan(20)
    expect(r.live.placed).toBe(r.units)
    const presaleSkus = r.scenario.skus.filter((k) => k.presale)
    expect(presaleSkus.length).toBeGreaterThan(0)
    expect(presaleSkus.every((k) => k.presaleShipHours > 0)).toBe(true)
    // ship hours count from the order: some presale orders are late, on both sides
    expect(r.sim.late.total).toBeGreaterThan(0)
    expect(Math.abs(r.diff.late.total.delta)).toBeLessThanOrEqual(
      Math.max(1, Math.ceil(TWIN_TOLERANCE.late * r.sim.late.total)),
    )
    expect(r.live.complaintsFiled).toBe(r.sim.complaints.filed)
    expect(r.live.payouts.late_shipment.count).toBe(r.sim.payouts.late_shipment.count)
    expect(Math.abs(r.diff.payouts.total.deltaFen)).toBeLessThanOrEqual(r.live.priceGapFen)
    for (const k of ['late_shipment', 'oversell', 'price_protection', 'total'] as const)
      expect(r.diffAtLivePrices.payouts[k].rel).toBeLessThanOrEqual(TWIN_TOLERANCE.payouts)
    expect(r.agrees).toBe(true)
  }, 60_000)

  it('twinAgrees: a payout gap that price does not explain, or a late count off by more than the slack, fails', async () => {
    const { diffResults } = await import('@d11/sim/compare')
    const zero = { count: 0, amountFen: 0 }
    const res = (late: number, fen: number) => ({
      late: { oversell: 0, capacity: late, total: late },
      payouts: {
        late_shipment: { count: 5, amountFen: fen },
        oversell: zero,
        price_protection: zero,
        totalFen: fen,
      },
    })
    const same = diffResults(res(100, 10_000), res(100, 10_000))
    const ok = { diff: same, diffAtLivePrices: same, priceGapFen: 0, oneOrderFen: 500 }
    expect(twinAgrees(ok)).toBe(true)
    // raw gap 2,000 fen explained by a 2,000 fen price gap, equal at the platform's prices
    const priced = diffResults(res(100, 10_000), res(100, 12_000))
    expect(twinAgrees({ ...ok, diff: priced, priceGapFen: 2_000 })).toBe(true)
    expect(twinAgrees({ ...ok, diff: priced, priceGapFen: 1_000 })).toBe(false)
    // the same gap left at the platform's prices is more than one order's payout
    expect(twinAgrees({ ...ok, diffAtLivePrices: priced, priceGapFen: 2_000 })).toBe(false)
    // two orders off on 100 late ones is within 2 %, ten are not
    expect(twinAgrees({ ...ok, diff: diffResults(res(100, 10_000), res(102, 10_000)) })).toBe(true)
    expect(twinAgrees({ ...ok, diff: diffResults(res(100, 10_000), res(110, 10_000)) })).toBe(false)
    // oversold orders must match exactly
    expect(twinAgrees({ ...ok, oversold: { sim: 3, live: 3 } })).toBe(true)
    expect(twinAgrees({ ...ok, oversold: { sim: 3, live: 2 } })).toBe(false)
  })
})

describe('d11 twin', () => {
  it('--slice presale on a 2024 world: PAY-4 presale payouts agree at the platform prices', () => {
    const json = join(world2024, 'twin-presale.json')
    const r = d11('--world', world2024, '--slice', 'presale', '--horizon-days', '5', '--json', json)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('presale slice')
    expect(r.stdout).toContain('±2% or 1 order')
    expect(r.stdout).toContain('AGREE')
    const report = JSON.parse(readFileSync(json, 'utf8'))
    expect(report.units).toBeGreaterThan(20)
    expect(report.live.placed).toBe(report.units)
    expect(report.live.late.total).toBeGreaterThan(0)
    expect(report.live.payouts.late_shipment.count).toBeGreaterThan(0)
    expect(report.diff.late.total.delta).toBe(0)
    // priced alike, the simulator's presale amount (PAY-4, 2024) is the platform's to the fen
    expect(report.diffAtLivePrices.payouts.total.deltaFen).toBe(0)
  }, 60_000)

  it('bad input exits 2 with one line naming the flag', () => {
    for (const [args, flag] of [
      [['--world', world, '--complain-rate', '2'], '--complain-rate'],
      [['--world', join(world, 'missing')], '--world'],
      [['--world', world, '--slice', 'bogus'], '--slice'],
    ] as const) {
      const r = d11(...args)
      expect(r.status, args.join(' ')).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toContain(flag)
    }
  }, 60_000)

  it('prints the comparison and writes the JSON report (prepared with a slow night shift: per-shift rates)', () => {
    const json = join(world, 'twin.json')
    const r = d11(
      '--world',
      world,
      '--profile',
      'prepared',
      '--set',
      'warehouse.picksPerHour=10',
      '--set',
      'warehouse.shifts[1].picksPerHour=5',
      '--horizon-days',
      '5',
      '--json',
      json,
    )
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('late shipments (SHIP-1)')
    expect(r.stdout).toContain('AGREE')
    const report = JSON.parse(readFileSync(json, 'utf8'))
    expect(report.units).toBeGreaterThan(100)
    expect(report.live.placed).toBe(report.sim.orders.accepted)
    expect(report.live.late.capacity).toBeGreaterThan(0)
    expect(report.diff.late.total.delta).toBe(0)
    expect(report.diffAtLivePrices.payouts.total.deltaFen).toBe(0)
  }, 60_000)
})
