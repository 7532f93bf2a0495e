import {
  appealReviewVerdict,
  appealVerdict,
  instantRefundVerdict,
  refundDisputeRate,
} from '@d11/rules/compensation'
import { presaleSpotPriceProtection, priceProtectionClaim } from '@d11/rules/price'
import { type Decision, decide } from './decision.ts'
import { type FlowRules, rulesAt } from './rules-context.ts'

/** Outcome codes of {@link refundRequest}. */
export const REFUND_INSTANT = 1
export const REFUND_TO_MERCHANT = 2

/**
 * PAY-8 (002, 2024): a refund request on an unshipped order is approved at once
 * ({@link REFUND_INSTANT}, `amountFen` = the paid amount); a shipped order's request, and every
 * request where the ruleset has no PAY-8, goes to the merchant.
 */
export function refundRequest(
  input: { shipped: boolean; paidFen: number },
  at: number,
  rules: FlowRules,
  out: Decision,
): Decision {
  const v = instantRefundVerdict(
    { shipped: input.shipped, requestedAt: at, paidFen: input.paidFen },
    rulesAt(at, rules),
  )
  return decide(out, v.ok, v.ok ? REFUND_INSTANT : REFUND_TO_MERCHANT, v.ruleId, input.paidFen, v.reason)
}

/**
 * PAY-7 (002, 2024), the two consequences of appeals, with the ruleset in force at `at`: a shop's
 * refund-dispute rate (bp) counts each failed appeal over a small dispute as one more dispute, and
 * a product with frequent low-success appeals is put under review. Without PAY-7 the rate counts
 * the disputes alone and no product is reviewed.
 */
export function appealConsequences(
  shop: { orders: number; disputes: number; failedAppealDisputesFen: readonly number[] },
  product: { appeals: number; appealSuccesses: number },
  at: number,
  rules: FlowRules,
): { ruleId: string; disputeRateBp: number; abusiveAppeals: number; productReview: boolean } {
  const rs = rulesAt(at, rules)
  const rate = refundDisputeRate(
    {
      orders: shop.orders,
      disputes: shop.disputes,
      failedAppeals: shop.failedAppealDisputesFen.map((disputeFen) => ({ disputeFen })),
    },
    rs,
  )
  const review = appealReviewVerdict(product, rs)
  return {
    ruleId: review.ruleId,
    disputeRateBp: rate.rateBp,
    abusiveAppeals: rate.abusiveAppeals,
    productReview: review.review,
  }
}

/** Outcome codes of {@link appeal}. */
export const APPEAL_OVERTURNED = 1
export const APPEAL_CONFIRMED = 2
export const APPEAL_REFUSED = 3

/**
 * PAY-7 (002, 2024): an appeal at `at` against a dispute decided at `decidedAt`, after
 * `previousAppeals` appeals: refused past the ruleset's `maxPerDispute` or outside its window
 * (ruleset in force at `at`; without PAY-7 no limit applies). An accepted appeal overturns the
 * decision when the complaint was not founded.
 */
export function appeal(
  input: { decidedAt: number; previousAppeals: number; founded: boolean },
  at: number,
  rules: FlowRules,
  out: Decision,
): Decision {
  const v = appealVerdict(
    { disputeClosedAt: input.decidedAt, appealAt: at, previousAppeals: input.previousAppeals },
    rulesAt(at, rules),
  )
  if (!v.ok) return decide(out, false, APPEAL_REFUSED, v.ruleId, 0, v.reason)
  return input.founded
    ? decide(
        out,
        true,
        APPEAL_CONFIRMED,
        v.ruleId,
        0,
        'appeal reviewed: the complaint was founded and stands',
      )
    : decide(out, true, APPEAL_OVERTURNED, v.ruleId, 0, 'appeal reviewed: the complaint was not founded')
}

/**
 * PRICE-5: a buyer's price-protection claim at `at`: owed (paid to-hand unit price − current
 * to-hand unit price) × quantity when the lower to-hand price is seen within the ruleset's
 * protection window after payment; refused (`ok: false`, PRICE-5) otherwise.
 */
export function priceProtection(
  input: { paidUnitToHandFen: number; paidAt: number; currentUnitToHandFen: number; quantity: number },
  at: number,
  rules: FlowRules,
  out: Decision,
): Decision {
  const v = priceProtectionClaim(
    {
      paidToHandUnitFen: input.paidUnitToHandFen,
      paidAt: input.paidAt,
      lowerToHandUnitFen: input.currentUnitToHandFen,
      seenAt: at,
      quantity: input.quantity,
    },
    rulesAt(at, rules),
  )
  return decide(out, v.ok, v.ok ? 1 : 0, v.ruleId, v.ok ? v.amountFen : 0, v.reason)
}

/**
 * PRICE-5, spot phase: a SKU registered for presale and spot got a lower to-hand price or added
 * perks; every earlier presale buyer is owed the unit difference × quantity.
 */
export function spotUndercut(input: {
  presaleOrders: ReadonlyArray<{ orderId: string; unitToHandFen: number; quantity: number }>
  spotUnitToHandFen: number
  spotPerksFen: number
}): Array<{ orderId: string; amountFen: number; ruleId: string }> {
  const v = presaleSpotPriceProtection(input)
  return v.payouts.map((p) => ({ orderId: p.orderId, amountFen: p.amountFen, ruleId: v.ruleId }))
}
