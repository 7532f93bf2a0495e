import { loadProfile } from '@d11/merchant-model/profile'
import type { RunOrder, RunSku } from '@d11/store/from-run'
import { describe, expect, it } from 'vitest'
import {
  applyCellParams,
  compareBaseline,
  merchantModel,
  observedCapacity,
  type RunMerchant,
  runSlice,
  simulateRun,
} from '../src/from-run.ts'

/** `d11 whatif --from-run`'s scenario building, on hand-made run data (no store needed here). */

const understaffed = loadProfile('understaffed') // 10 picks/h 09:00-18:00, carrier wave 17:00
const at = (iso: string) => Date.parse(iso)
const NOV11 = at('2022-11-11T00:00:00+08:00')

function orders(n: number, paidFen: (i: number) => number, quantity = () => 1): RunOrder[] {
  return Array.from({ length: n }, (_, i) => ({
    orderId: `o-${i + 1}`,
    merchantId: 'm-1',
    skuId: 's-1',
    buyerId: `b-${i}`,
    kind: 'spot',
    quantity: quantity(),
    paidFen: paidFen(i),
    orderedAt: NOV11 + i * 1000,
    paidAt: NOV11 + i * 1000,
    oversold: false,
  }))
}
const SKU: RunSku = {
  skuId: 's-1',
  merchantId: 'm-1',
  stock: 10_000,
  listPriceFen: 5_000,
  contractShipHours: null,
  presale: false,
}

function merchant(os: RunOrder[]): RunMerchant {
  return { merchantId: 'm-1', profile: understaffed, orders: os, skus: [SKU], pickups: [], lateInRun: 0 }
}
/** The run's buyers chased `chaseAt` (default: after every deadline of a 120 h settle). */
const setup = (complained: (id: string) => boolean, chaseAt = NOV11 + 120 * 3_600_000) => ({
  seed: 42,
  calendar: '2022',
  settleHours: 120,
  complained,
  chaseAt,
})

describe('observedCapacity', () => {
  const paid = Array.from({ length: 300 }, (_, i) => NOV11 + i * 1000)
  const wave = (day: number, n: number) =>
    Array.from({ length: n }, (_, i) => at(`2022-11-${11 + day}T17:01:00+08:00`) + i)

  it('measures the stretches the picker was busy all through and uses a lower rate', () => {
    // day 1 ships 80 (from an empty start: not counted), then 50 a wave over 9 working hours each
    const c = observedCapacity(understaffed, paid, [...wave(0, 80), ...wave(1, 50), ...wave(2, 50)])
    expect(c.used).toBe('observed')
    expect(c.observedPerHour).toBeCloseTo(100 / 18, 6)
    expect(c.factor).toBeCloseTo(100 / 18 / 10, 6)
  })

  it("keeps the profile's rate when the run picked as fast", () => {
    const c = observedCapacity(understaffed, paid, [...wave(0, 80), ...wave(1, 90), ...wave(2, 90)])
    expect(c).toMatchObject({ used: 'profile', factor: 1 })
    expect(c.observedPerHour).toBeCloseTo(10, 6)
  })

  it('a slower rate counts in the scenario only for a merchant that missed pickups in the run', () => {
    const os = orders(300, () => 10_000)
    const pickups = [...wave(0, 80), ...wave(1, 50), ...wave(2, 50)]
    const missed = merchantModel(
      { ...merchant(os), pickups, lateInRun: 3 },
      setup(() => false),
    )
    expect(missed.capacity.used).toBe('observed')
    expect(missed.scenario.warehouse.picksPerHour).toBeCloseTo(100 / 18, 6)
    const kept = merchantModel(
      { ...merchant(os), pickups, lateInRun: 0 },
      setup(() => false),
    )
    expect(kept.capacity).toMatchObject({ used: 'profile', factor: 1, unbound: true })
    expect(kept.scenario.warehouse.picksPerHour).toBe(10)
  })

  it('says so when no backlog waited', () => {
    expect(observedCapacity(understaffed, paid.slice(0, 50), wave(0, 50))).toMatchObject({
      used: 'profile',
      observedPerHour: null,
    })
  })
})

describe('runSlice and applyCellParams', () => {
  it('one entry per order at its paid price, with its units; stock as the world had it', () => {
    const s = runSlice(
      merchant(
        orders(
          10,
          () => 7_000,
          () => 3,
        ),
      ),
    )
    expect(s.units).toHaveLength(10)
    expect(s.units.every((u) => u.unitPriceFen === 7_000 && u.quantity === 3)).toBe(true)
    expect(s.skus[0]!.stock).toBe(10_000)
  })

  it('PAY-3 counts units against stock as the platform did: a 3-unit order past 7 units is oversold', () => {
    // one 3-unit order every 5 minutes: each lands after a new publication of the lagging shop
    const every5 = orders(
      4,
      () => 9_000,
      () => 3,
    ).map((o, i) => ({ ...o, paidAt: NOV11 + i * 300_000, orderedAt: NOV11 + i * 300_000 }))
    const small: RunMerchant = {
      ...merchant(every5),
      skus: [{ ...SKU, stock: 7 }],
    }
    // strict (understaffed) refuses what it cannot cover; a lagging shop sells it and oversells
    const lagging = loadProfile('oversell-prone')
    const r = simulateRun([
      merchantModel(
        { ...small, profile: lagging },
        setup(() => false),
      ),
    ])
    // each publication re-offers 7 (its sales are inside the 30-min lag): units 1-3, 4-6 in stock,
    // 7-9 crosses 7 units, 10-12 past it: two oversold orders of four
    expect(r.result.orders.oversold).toBe(2)
    const strict = simulateRun([
      merchantModel(
        small,
        setup(() => false),
      ),
    ])
    expect(strict.result.orders.oversold).toBe(0)
  })

  it('oversold orders wait for stock, not the picker: they do not read as a slow warehouse', () => {
    const os = orders(300, () => 1000).map((o, i) => ({ ...o, oversold: i >= 50 }))
    const m = merchantModel(
      {
        ...merchant(os),
        pickups: Array.from({ length: 50 }, (_, i) => NOV11 + 17 * 3_600_000 + i),
        lateInRun: 250,
      },
      setup(() => false),
    )
    expect(m.capacity.used).toBe('profile')
  })

  it('xN multiplies the warehouse rates (shifts too), plain values set, xN on a non-number is a grid error', () => {
    const base = merchantModel(
      merchant(orders(5, () => 1000)),
      setup(() => false),
    ).scenario
    const faster = applyCellParams(base, { 'warehouse.picksPerHour': 'x1.5' })
    expect(faster.warehouse.picksPerHour).toBe(base.warehouse.picksPerHour * 1.5)
    expect(applyCellParams(base, { 'oversell.oversellShare': 0.05 }).oversell.oversellShare).toBe(0.05)
    expect(applyCellParams(base, { 'buyers.complainRate': 'x0.5' }).buyers.complainRate).toBe(
      base.buyers.complainRate * 0.5,
    )
    expect(() => applyCellParams(base, { 'oversell.policy': 'x2' })).toThrow(/not a number/)
  })
})

describe('simulateRun', () => {
  it("only the run's complaining buyers are paid, at their own order's price (PAY-1 30 %)", () => {
    const os = orders(300, () => 10_000)
    const all = simulateRun([
      merchantModel(
        merchant(os),
        setup(() => true),
      ),
    ])
    expect(all.result.late.total).toBeGreaterThan(0)
    // inside PAY-2's window only upheld complaints pay: one payout per late order, all complained
    expect(all.payouts).toEqual([
      {
        cause: 'late_shipment',
        ruleId: 'PAY-1',
        count: all.result.late.total,
        amountFen: all.result.late.total * 3_000,
      },
    ])
    const dearer = simulateRun([
      merchantModel(
        merchant(orders(300, () => 20_000)),
        setup(() => true),
      ),
    ])
    expect(dearer.result.payouts.totalFen).toBe(2 * all.result.payouts.totalFen)
    const none = simulateRun([
      merchantModel(
        merchant(os),
        setup(() => false),
      ),
    ])
    expect(none.result.late.total).toBe(all.result.late.total)
    expect(none.result.payouts.totalFen).toBe(0)
    const half = simulateRun([
      merchantModel(
        merchant(os),
        setup((id) => Number(id.slice(2)) % 2 === 0),
      ),
    ])
    expect(half.result.payouts.late_shipment.count).toBeGreaterThan(0)
    expect(half.result.payouts.late_shipment.count).toBeLessThan(all.result.late.total)
  })

  it("a buyer chases only a deadline passed by the run's chase instant", () => {
    // 300 orders paid at the launch (130 of them late), 300 two days later: two sets of deadlines
    const NOV13 = at('2022-11-13T00:00:00+08:00')
    const os = orders(600, () => 10_000).map((o, i) =>
      i < 300 ? o : { ...o, paidAt: NOV13 + i * 1000, orderedAt: NOV13 + i * 1000 },
    )
    const chasedAt = (t: number) =>
      simulateRun([
        merchantModel(
          merchant(os),
          setup(() => true, t),
        ),
      ])
    const all = chasedAt(NOV11 + 200 * 3_600_000)
    // chasing between the two sets of deadlines finds only the launch's late orders
    const between = chasedAt(NOV13 + 12 * 3_600_000)
    expect(between.result.late.total).toBe(all.result.late.total)
    expect(between.result.payouts.late_shipment.count).toBeGreaterThan(0)
    expect(between.result.payouts.late_shipment.count).toBeLessThan(all.result.payouts.late_shipment.count)
    expect(chasedAt(NOV11).result.payouts.late_shipment.count).toBe(0)
  })

  it('a faster warehouse cell costs less; merchants sum', () => {
    const model = merchantModel(
      merchant(orders(300, () => 10_000)),
      setup(() => true),
    )
    const one = simulateRun([model])
    const two = simulateRun([model, { ...model, merchantId: 'm-2' }])
    expect(two.result.late.total).toBe(2 * one.result.late.total)
    expect(two.result.payouts.totalFen).toBe(2 * one.result.payouts.totalFen)
    const faster = simulateRun([model], { 'warehouse.picksPerHour': 'x2' })
    expect(faster.result.payouts.totalFen).toBeLessThan(one.result.payouts.totalFen)
  })
})

describe('compareBaseline', () => {
  const sim = simulateRun([
    merchantModel(
      merchant(orders(300, () => 10_000)),
      setup(() => true),
    ),
  ])
  const late = sim.result.late.total
  const live = { late, oversold: 0, payouts: sim.payouts }

  it('agrees on the same figures', () => {
    expect(compareBaseline(live, sim).every((c) => c.ok)).toBe(true)
  })

  it('flags late pickups off by more than 2 % and one order, and any oversold difference', () => {
    const checks = compareBaseline({ ...live, late: late + 10, oversold: 1 }, sim)
    expect(checks.find((c) => c.figure.startsWith('late'))!.ok).toBe(false)
    expect(checks.find((c) => c.figure.startsWith('oversold'))!.ok).toBe(false)
    expect(
      compareBaseline({ ...live, late: late + 1 }, sim).find((c) => c.figure.startsWith('late'))!.ok,
    ).toBe(true)
  })
})
