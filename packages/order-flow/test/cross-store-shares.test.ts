import { crossStoreCoupon } from '@d11/rules/price'
import { rulesetAt } from '@d11/rules/ruleset'
import { describe, expect, it } from 'vitest'
import { crossStoreShares } from '../src/pricing.ts'
import { at, rules2020 } from './helpers.ts'

const t = at('2020-11-11T00:10:00+08:00')

describe('crossStoreShares (PRICE-3 / PRICE-4 through @d11/rules toHandPrice)', () => {
  it('300 minus 40 over the eligible lines only, apportioned by price, every fen accounted for', () => {
    const lines = [
      { key: 'a', amountFen: 20_000, couponEligible: true },
      { key: 'b', amountFen: 10_000, couponEligible: true },
      { key: 'c', amountFen: 50_000, couponEligible: false },
    ]
    const s = crossStoreShares(lines, t, rules2020)
    expect(s.discountFen).toBe(4_000)
    expect(s.perLine.get('c')).toBeUndefined()
    expect((s.perLine.get('a') ?? 0) + (s.perLine.get('b') ?? 0)).toBe(4_000)
    expect(s.perLine.get('a')).toBeGreaterThan(s.perLine.get('b')!)
    // the same split as the rule's own PRICE-3 verdict
    const v = crossStoreCoupon(
      lines.map((l) => ({ id: l.key, amountFen: l.amountFen, couponEligible: l.couponEligible })),
      rulesetAt(t),
    )
    expect(v.shares.filter((x) => x.shareFen > 0)).toEqual(
      [...s.perLine].map(([id, shareFen]) => ({ id, shareFen })),
    )
  })
  it('stacks per threshold and gives nothing below it', () => {
    expect(
      crossStoreShares([{ key: 'a', amountFen: 60_000, couponEligible: true }], t, rules2020),
    ).toMatchObject({ discountFen: 8_000 })
    const below = crossStoreShares([{ key: 'a', amountFen: 29_999, couponEligible: true }], t, rules2020)
    expect(below.discountFen).toBe(0)
    expect(below.perLine.size).toBe(0)
  })
  it('a line amount that is not whole fen is refused with the rule ID', () => {
    expect(() =>
      crossStoreShares([{ key: 'a', amountFen: 1.5, couponEligible: true }], t, rules2020),
    ).toThrow(/line "a".*PRICE-4/)
  })
})
