import { describe, expect, it } from 'vitest'
import { campaignPriceDecision, crossStoreShares, freeShippingListing, pricePoints } from '../src/pricing.ts'
import { at, rules2020 } from './helpers.ts'

const t = at('2020-11-11T00:10:00+08:00')

describe('pricing decisions', () => {
  it('PRICE-3: every full 300 yuan of eligible lines gives 40, apportioned by price; ineligible lines get none', () => {
    const d = crossStoreShares(
      [
        { key: 'a', amountFen: 40_000, couponEligible: true },
        { key: 'b', amountFen: 20_000, couponEligible: true },
        { key: 'c', amountFen: 90_000, couponEligible: false },
      ],
      t,
      rules2020,
    )
    expect(d.discountFen).toBe(8_000) // 600 yuan eligible: 2 × 40
    expect((d.perLine.get('a') ?? 0) + (d.perLine.get('b') ?? 0)).toBe(8_000)
    expect(d.perLine.get('a')).toBeGreaterThan(d.perLine.get('b')!)
    expect(d.perLine.has('c')).toBe(false)
  })
  it('PRICE-2: a Double 11 price above the lowest daily price is refused, at or below it accepted', () => {
    const history = pricePoints({
      dailyPrices: { start: '2020-10-20', pricesFen: [10_000, 9_000, 9_500] },
      campaignPrices: [],
    })
    expect(history).toHaveLength(3)
    expect(
      campaignPriceDecision('double11', 9_500, history, at('2020-11-01T00:00:00+08:00'), rules2020).ok,
    ).toBe(false)
    expect(
      campaignPriceDecision('double11', 9_000, history, at('2020-11-01T00:00:00+08:00'), rules2020).ok,
    ).toBe(true)
  })
  it('SHIP-6: a free-shipping title needs a free template in every region of the world', () => {
    const listing = (free: string[]) => ({
      title: 'phone 包邮',
      shippingTemplate: { freeRegions: free, feeFen: 800 },
    })
    expect(freeShippingListing(listing(['a', 'b']), ['a', 'b'], t, rules2020).ok).toBe(true)
    expect(freeShippingListing(listing(['a']), ['a', 'b'], t, rules2020)).toMatchObject({
      ok: false,
      ruleId: 'SHIP-6',
    })
  })
})
