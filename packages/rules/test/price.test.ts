import { DAY_MS, simTime } from '@d11/time/shanghai'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  apportionCoupon,
  crossStoreCoupon,
  crossStoreDiscountFen,
  DAILY,
  presaleSpotPriceProtection,
  priceProtectionClaim,
  tierOf,
  toHandFloorFen,
  toHandPrice,
  validateCampaignPrice,
  validates,
} from '../src/price.ts'
import { getRuleset, rulesetAt } from '../src/ruleset.ts'

const rs2022 = getRuleset('2022-04-15')
const rsOld = getRuleset('2009-11-11')

describe('PRICE-1 tiers: the worked examples of source 001 under the 2022-04-15 ruleset', () => {
  const rs = rulesetAt(simTime('2022-04-15T00:00:00+08:00'))

  it('an item in 99 then Juhuasuan: Juhuasuan does not validate the 99 price (same tier)', () => {
    expect([tierOf('juhuasuan', rs), tierOf('99', rs)]).toEqual(['S2', 'S2'])
    expect(rs.price.sameTierValidates).toBe(false)
    expect(validates('juhuasuan', '99', rs)).toBe(false)
  })

  it('an item in Juhuasuan then Double 12: Double 12 validates the Juhuasuan price (Double 12 is S1 now)', () => {
    expect([tierOf('double12', rs), tierOf('juhuasuan', rs)]).toEqual(['S1', 'S2'])
    expect(validates('double12', 'juhuasuan', rs)).toBe(true)
  })

  it('an item in Double 12 then Billion-Subsidy: Billion-Subsidy does not validate Double 12 (S1 is never validated)', () => {
    expect([tierOf('billion-subsidy', rs), tierOf('double12', rs)]).toEqual(['S2', 'S1'])
    expect(validates('billion-subsidy', 'double12', rs)).toBe(false)
  })

  it('before 2022-04-15 the same examples came out the other way where 001 says the rules changed', () => {
    const old = rulesetAt(simTime('2022-04-14T12:00:00+08:00'))
    expect(validates('juhuasuan', '99', old)).toBe(true) // same tier did validate each other
    expect(validates('billion-subsidy', 'double12', old)).toBe(true) // Double 12 was S2
    expect(validates('55', DAILY, old)).toBe(false) // A-tier had no price requirement
    expect(validates('55', DAILY, rs)).toBe(true)
  })

  it('no campaign validates an S1 campaign; S1 validates every other tier and daily prices', () => {
    const ids = Object.keys(rs2022.tierOf)
    for (const checker of ids) {
      for (const s1 of ['double11', '618', 'double12']) expect(validates(checker, s1, rs2022)).toBe(false)
    }
    for (const other of ids.filter((id) => rs2022.tierOf[id] !== 'S1'))
      expect(validates('double11', other, rs2022)).toBe(true)
    expect(validates('double11', DAILY, rs2022)).toBe(true)
    expect(validates('55', '520', rs2022)).toBe(false)
    expect(validates('juhuasuan', '520', rs2022)).toBe(true)
  })

  it('an unknown campaign validates nothing, without a throw', () => {
    expect(tierOf('Dbl12', rs2022)).toBeUndefined()
    expect(validates('Dbl12', '99', rs2022)).toBe(false)
  })
})

describe('PRICE-2 validation against the lowest validated price in the window', () => {
  const at = simTime('2022-11-01T00:00:00+08:00')
  const history = [
    { kind: DAILY, priceFen: 19_900, at: at - 10 * DAY_MS },
    { kind: '99', priceFen: 16_900, at: at - 5 * DAY_MS },
    { kind: 'juhuasuan', priceFen: 15_900, at: at - 40 * DAY_MS }, // outside the 30-day window
    { kind: 'double12', priceFen: 9_900, at: at - 3 * DAY_MS }, // S1: never validated
  ]

  it('Double 11 must be at or below the 99 price seen 5 days earlier', () => {
    expect(
      validateCampaignPrice({ campaign: 'double11', priceFen: 16_900, at, history }, rs2022),
    ).toMatchObject({
      ok: true,
      ceilingFen: 16_900,
      ceilingKind: '99',
    })
    const v = validateCampaignPrice({ campaign: 'double11', priceFen: 17_000, at, history }, rs2022)
    expect(v).toMatchObject({ ok: false, ruleId: 'PRICE-2', ceilingFen: 16_900, amountFen: 100 })
  })

  it('A-tier validates only the daily price (all campaign prices excluded)', () => {
    expect(validateCampaignPrice({ campaign: '520', priceFen: 19_900, at, history }, rs2022)).toMatchObject({
      ok: true,
      ceilingKind: DAILY,
    })
    expect(validateCampaignPrice({ campaign: '520', priceFen: 19_901, at, history }, rs2022).ok).toBe(false)
    // before 2022-04-15 an A-tier campaign had no price requirement at all
    expect(validateCampaignPrice({ campaign: '520', priceFen: 99_999, at, history }, rsOld).ok).toBe(true)
  })

  it('bad input is a failed verdict', () => {
    expect(validateCampaignPrice({ campaign: 'double11', priceFen: -1, at, history }, rs2022)).toMatchObject({
      ok: false,
    })
  })
})

describe('PRICE-3 cross-store coupon "300 minus 40"', () => {
  it('every full 300 yuan gives 40 by default; "once" stacking gives 40 at most', () => {
    expect(crossStoreDiscountFen(29_999, rs2022)).toBe(0)
    expect(crossStoreDiscountFen(30_000, rs2022)).toBe(4_000)
    expect(crossStoreDiscountFen(89_999, rs2022)).toBe(8_000)
    const once = { crossStoreCoupon: { ...rs2022.crossStoreCoupon, stacking: 'once' as const } }
    expect(crossStoreDiscountFen(89_999, once)).toBe(4_000)
  })

  it('items of different shops add up toward the threshold; ineligible lines get nothing', () => {
    const v = crossStoreCoupon(
      [
        { id: 'a', shopId: 's1', amountFen: 20_000 },
        { id: 'b', shopId: 's2', amountFen: 10_000 },
        { id: 'c', shopId: 's3', amountFen: 50_000, couponEligible: false },
      ],
      rs2022,
    )
    expect(v).toMatchObject({ ok: true, ruleId: 'PRICE-3', discountFen: 4_000, eligibleTotalFen: 30_000 })
    expect(v.shares).toEqual([
      { id: 'a', shareFen: 2_667 },
      { id: 'b', shareFen: 1_333 },
      { id: 'c', shareFen: 0 },
    ])
  })

  it('largest remainder with a stable tie-break: equal items split 4000 over 3 as 1334/1333/1333 by id', () => {
    const shares = apportionCoupon(
      [
        { id: 'z', amountFen: 10_000 },
        { id: 'a', amountFen: 10_000 },
        { id: 'm', amountFen: 10_000 },
      ],
      4_000,
    )
    expect(shares).toEqual([
      { id: 'z', shareFen: 1_333 },
      { id: 'a', shareFen: 1_334 },
      { id: 'm', shareFen: 1_333 },
    ])
  })

  const itemsArb = fc.uniqueArray(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 6 }),
      amountFen: fc.integer({ min: 0, max: 5_000_000 }),
    }),
    { minLength: 1, maxLength: 30, selector: (i) => i.id },
  )

  it('property: shares sum exactly to the discount, none negative, none above its item', () => {
    fc.assert(
      fc.property(itemsArb, fc.integer({ min: 0, max: 100 }), (items, pct) => {
        const total = items.reduce((s, i) => s + i.amountFen, 0)
        const discount = Math.floor((total * pct) / 100)
        const shares = apportionCoupon(items, discount)
        const sum = shares.reduce((s, x) => s + x.shareFen, 0)
        expect(sum).toBe(total === 0 ? 0 : discount)
        shares.forEach((s, i) => {
          expect(s.shareFen).toBeGreaterThanOrEqual(0)
          expect(s.shareFen).toBeLessThanOrEqual(items[i]!.amountFen)
          expect(Number.isInteger(s.shareFen)).toBe(true)
        })
      }),
    )
  })

  it('property: deterministic, and with unique ids order-independent', () => {
    fc.assert(
      fc.property(itemsArb, fc.integer({ min: 0, max: 200_000 }), fc.integer(), (items, discount, seed) => {
        const total = items.reduce((s, i) => s + i.amountFen, 0)
        const d = Math.min(discount, total)
        const a = apportionCoupon(items, d)
        expect(apportionCoupon(items, d)).toEqual(a)
        // a seeded permutation of the items
        const shuffled = items
          .map((it, i) => ({ it, k: (Math.imul(i + 1, 2654435761) ^ seed) >>> 0 }))
          .sort((x, y) => x.k - y.k)
          .map((x) => x.it)
        const b = apportionCoupon(shuffled, d)
        const byId = (xs: Array<{ id: string; shareFen: number }>) =>
          new Map(xs.map((x) => [x.id, x.shareFen]))
        expect(byId(b)).toEqual(byId(a))
      }),
    )
  })

  it('property: each share is within 1 fen of the exact proportional share', () => {
    fc.assert(
      fc.property(itemsArb, fc.integer({ min: 0, max: 200_000 }), (items, discount) => {
        const total = items.reduce((s, i) => s + i.amountFen, 0)
        fc.pre(total > 0)
        const d = Math.min(discount, total)
        for (const [i, s] of apportionCoupon(items, d).entries()) {
          const exact = (d * items[i]!.amountFen) / total
          expect(Math.abs(s.shareFen - exact)).toBeLessThan(1 + 1e-9)
        }
      }),
    )
  })
})

describe('PRICE-4 to-hand price', () => {
  it('stacks the shop coupon and the cross-store coupon across shops, exactly in fen', () => {
    const v = toHandPrice(
      {
        lines: [
          { id: 'phone', shopId: 's1', unitPriceFen: 25_000, quantity: 1 },
          { id: 'case', shopId: 's1', unitPriceFen: 3_000, quantity: 2 },
          { id: 'tea', shopId: 's2', unitPriceFen: 9_900, quantity: 3 },
        ],
        shopCoupons: { s1: { thresholdFen: 20_000, discountFen: 2_000 } },
      },
      rs2022,
    )
    expect(v.ok).toBe(true)
    expect(v.listFen).toBe(25_000 + 6_000 + 29_700)
    const shop = v.lines.reduce((s, l) => s + l.shopCouponFen, 0)
    const cross = v.lines.reduce((s, l) => s + l.crossStoreFen, 0)
    expect(shop).toBe(2_000)
    // after the shop coupon: 29000 + 29700 = 58700 -> one full 300 -> 40 yuan
    expect(cross).toBe(4_000)
    expect(v.payFen).toBe(v.listFen - 6_000)
    expect(v.lines.reduce((s, l) => s + l.payFen, 0)).toBe(v.payFen)
  })

  it('the merchant floor is the price minus 40/300 of it', () => {
    expect(toHandFloorFen(30_000, rs2022)).toBe(26_000)
    expect(toHandFloorFen(100, rs2022)).toBe(86)
  })

  it('bad lines are a failed verdict', () => {
    expect(
      toHandPrice({ lines: [{ id: 'x', shopId: 's', unitPriceFen: 1.5, quantity: 1 }] }, rs2022).ok,
    ).toBe(false)
  })
})

describe('PRICE-5 price protection', () => {
  const paidAt = simTime('2022-10-31T20:05:00+08:00')

  it('a lower to-hand price inside the window is owed as the difference', () => {
    const v = priceProtectionClaim(
      {
        paidToHandUnitFen: 29_900,
        paidAt,
        lowerToHandUnitFen: 27_900,
        seenAt: paidAt + 3 * DAY_MS,
        quantity: 2,
      },
      rs2022,
    )
    expect(v).toMatchObject({ ok: true, ruleId: 'PRICE-5', amountFen: 4_000 })
  })

  it('a claim after the protection window (a flagged default) is refused with PRICE-5', () => {
    expect(rs2022.defaults).toContain('priceProtection.windowDays')
    const claim = { paidToHandUnitFen: 29_900, paidAt, lowerToHandUnitFen: 27_900 }
    const last = priceProtectionClaim({ ...claim, seenAt: paidAt + 15 * DAY_MS - 1 }, rs2022)
    expect(last.ok).toBe(true)
    const late = priceProtectionClaim({ ...claim, seenAt: last.windowEnds }, rs2022)
    expect(late).toMatchObject({ ok: false, ruleId: 'PRICE-5', amountFen: 0 })
    expect(late.reason).toContain('outside the 15-day protection window')
  })

  it('judged on the to-hand price (PRICE-4, after every stacked discount), not the list price', () => {
    const toHand = (unitPriceFen: number, itemDiscountFen = 0) =>
      toHandPrice({ lines: [{ id: 'a', shopId: 's1', unitPriceFen, quantity: 1, itemDiscountFen }] }, rs2022)
        .lines[0]!.unitToHandFen
    // bought at 300 yuan list, the cross-store coupon fills: 260 yuan to hand
    const paidToHandUnitFen = toHand(30_000)
    expect(paidToHandUnitFen).toBe(26_000)
    // later 280 yuan list: lower list price, but no coupon under 300, so 280 to hand: nothing owed
    const listOnly = priceProtectionClaim(
      { paidToHandUnitFen, paidAt, lowerToHandUnitFen: toHand(28_000), seenAt: paidAt + DAY_MS },
      rs2022,
    )
    expect(listOnly).toMatchObject({ ok: false, ruleId: 'PRICE-5', amountFen: 0 })
    // later 290 yuan list with a 50-yuan item discount: 240 to hand, owed 20 yuan (the list differs by 10)
    const v = priceProtectionClaim(
      { paidToHandUnitFen, paidAt, lowerToHandUnitFen: toHand(29_000, 5_000), seenAt: paidAt + DAY_MS },
      rs2022,
    )
    expect(v).toMatchObject({ ok: true, ruleId: 'PRICE-5', amountFen: 2_000 })
  })

  it('a SKU cheaper (or with added perks) in the spot phase owes every earlier presale buyer', () => {
    const v = presaleSpotPriceProtection({
      presaleOrders: [
        { orderId: 'o1', unitToHandFen: 10_000, quantity: 1 },
        { orderId: 'o2', unitToHandFen: 9_000, quantity: 2 },
        { orderId: 'o3', unitToHandFen: 8_000, quantity: 1 },
      ],
      spotUnitToHandFen: 9_000,
      spotPerksFen: 500,
    })
    expect(v.ok).toBe(false)
    expect(v.payouts).toEqual([
      { orderId: 'o1', amountFen: 1_500, cause: 'price_protection' },
      { orderId: 'o2', amountFen: 1_000, cause: 'price_protection' },
    ])
    expect(v.amountFen).toBe(2_500)
    expect(
      presaleSpotPriceProtection({
        presaleOrders: [{ orderId: 'o', unitToHandFen: 9_000, quantity: 1 }],
        spotUnitToHandFen: 9_000,
      }).ok,
    ).toBe(true)
  })
})
