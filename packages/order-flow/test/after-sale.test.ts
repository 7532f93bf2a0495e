import { describe, expect, it } from 'vitest'
import {
  APPEAL_CONFIRMED,
  APPEAL_OVERTURNED,
  APPEAL_REFUSED,
  appeal,
  appealConsequences,
  priceProtection,
  REFUND_INSTANT,
  REFUND_TO_MERCHANT,
  refundRequest,
  spotUndercut,
} from '../src/after-sale.ts'
import { newDecision } from '../src/decision.ts'
import { at, rules2020, rules2024 } from './helpers.ts'

const DAY = 86_400_000
const decidedAt = at('2024-11-14T00:00:00+08:00')

describe('appeal (PAY-7, 002: 2024 only)', () => {
  it('without PAY-7 (2020) no limit applies', () => {
    const t2020 = at('2020-11-14T00:00:00+08:00')
    const d = appeal(
      { decidedAt: t2020, previousAppeals: 3, founded: true },
      t2020 + 90 * DAY,
      rules2020,
      newDecision(),
    )
    expect(d).toMatchObject({ ok: true, code: APPEAL_CONFIRMED })
  })
  it('one appeal per dispute: the first is reviewed, the second refused', () => {
    const first = appeal(
      { decidedAt, previousAppeals: 0, founded: false },
      decidedAt + DAY,
      rules2024,
      newDecision(),
    )
    expect(first).toMatchObject({ ok: true, code: APPEAL_OVERTURNED, ruleId: 'PAY-7' })
    const second = appeal(
      { decidedAt, previousAppeals: 1, founded: false },
      decidedAt + DAY,
      rules2024,
      newDecision(),
    )
    expect(second).toMatchObject({ ok: false, code: APPEAL_REFUSED, ruleId: 'PAY-7' })
  })
  it('a founded complaint stands; an appeal after 30 days is refused', () => {
    expect(
      appeal({ decidedAt, previousAppeals: 0, founded: true }, decidedAt + 30 * DAY, rules2024, newDecision())
        .code,
    ).toBe(APPEAL_CONFIRMED)
    expect(
      appeal(
        { decidedAt, previousAppeals: 0, founded: true },
        decidedAt + 30 * DAY + 1,
        rules2024,
        newDecision(),
      ).code,
    ).toBe(APPEAL_REFUSED)
  })
})

describe('priceProtection (PRICE-5)', () => {
  const paidAt = at('2024-11-01T00:10:00+08:00')
  const claim = { paidUnitToHandFen: 10_000, paidAt, currentUnitToHandFen: 9_000, quantity: 2 }
  it('inside the window the to-hand difference × quantity is owed', () => {
    expect(priceProtection(claim, paidAt + DAY, rules2024, newDecision())).toMatchObject({
      ok: true,
      ruleId: 'PRICE-5',
      amountFen: 2_000,
    })
  })
  it('after the window the claim is refused with its rule ID', () => {
    expect(priceProtection(claim, paidAt + 15 * DAY, rules2024, newDecision())).toMatchObject({
      ok: false,
      ruleId: 'PRICE-5',
      amountFen: 0,
    })
  })
  it('no lower to-hand price, nothing owed', () => {
    const d = priceProtection(
      { ...claim, currentUnitToHandFen: 10_000 },
      paidAt + DAY,
      rules2024,
      newDecision(),
    )
    expect(d.ok).toBe(false)
  })
  it('a spot-phase undercut owes every presale buyer, perks counted', () => {
    const owed = spotUndercut({
      presaleOrders: [
        { orderId: 'a', unitToHandFen: 10_000, quantity: 1 },
        { orderId: 'b', unitToHandFen: 8_000, quantity: 3 },
      ],
      spotUnitToHandFen: 9_000,
      spotPerksFen: 500,
    })
    expect(owed).toEqual([{ orderId: 'a', amountFen: 1_500, ruleId: 'PRICE-5' }])
  })
})

describe('refundRequest (PAY-8, 002: 2024 only)', () => {
  it('without PAY-8 (2020) every request goes to the merchant', () => {
    const t2020 = at('2020-11-14T00:00:00+08:00')
    expect(refundRequest({ shipped: false, paidFen: 700 }, t2020, rules2020, newDecision()).code).toBe(
      REFUND_TO_MERCHANT,
    )
  })
  it('an unshipped order is refunded at once; a shipped one goes to the merchant', () => {
    expect(
      refundRequest({ shipped: false, paidFen: 700 }, decidedAt, rules2024, newDecision()),
    ).toMatchObject({
      code: REFUND_INSTANT,
      ruleId: 'PAY-8',
      amountFen: 700,
    })
    expect(refundRequest({ shipped: true, paidFen: 700 }, decidedAt, rules2024, newDecision()).code).toBe(
      REFUND_TO_MERCHANT,
    )
  })
})

describe('appealConsequences (PAY-7, 002: 2024 only)', () => {
  const t2024 = at('2024-11-20T00:00:00+08:00')
  const shop = { orders: 100, disputes: 2, failedAppealDisputesFen: [1_000, 1_001, 500] }
  it('failed appeals over disputes of at most 10 yuan count as disputes; frequent low-success appeals mean review', () => {
    expect(appealConsequences(shop, { appeals: 5, appealSuccesses: 0 }, t2024, rules2024)).toEqual({
      ruleId: 'PAY-7',
      disputeRateBp: 400,
      abusiveAppeals: 2,
      productReview: true,
    })
    expect(appealConsequences(shop, { appeals: 4, appealSuccesses: 0 }, t2024, rules2024).productReview).toBe(
      false,
    )
    expect(appealConsequences(shop, { appeals: 5, appealSuccesses: 1 }, t2024, rules2024).productReview).toBe(
      false,
    )
  })
  it('without PAY-7 (2020) the rate counts the disputes alone and nothing is reviewed', () => {
    const t2020 = at('2020-11-20T00:00:00+08:00')
    expect(appealConsequences(shop, { appeals: 9, appealSuccesses: 0 }, t2020, rules2020)).toMatchObject({
      disputeRateBp: 200,
      abusiveAppeals: 0,
      productReview: false,
    })
  })
})
