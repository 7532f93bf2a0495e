import { regionVerdict } from '@d11/rules/shipping'
import { type Decision, decide } from './decision.ts'
import { type FlowRules, rulesAt } from './rules-context.ts'
import { isOversold, type StockPolicy, withinStock } from './stock-policy.ts'

/** Outcome codes of {@link checkoutLine}. */
export const CHECKOUT_ACCEPTED = 1
/** Accepted beyond physical stock: the order can never ship unless stock comes (PAY-3 risk). */
export const CHECKOUT_ACCEPTED_OVERSOLD = 2
export const CHECKOUT_REGION = 3
export const CHECKOUT_NOT_REGISTERED = 4
export const CHECKOUT_MERCHANT_REMOVED = 5
export const CHECKOUT_OUT_OF_STOCK = 6

export interface CheckoutLineInput {
  presale: boolean
  /** the SKU is registered for the phase's node (REG-1) */
  registered: boolean
  /** the merchant was removed from the campaign (PAY-6) */
  merchantRemoved: boolean
  region: string
  restrictedRegions: readonly string[]
  /** the region vocabulary of the world being sold in; the ruleset's list when omitted */
  knownRegions?: readonly string[]
  requested: number
  /** units the platform knows were sold against `basisUnits` */
  knownSold: number
  /** the stock figure the platform sells against (physical stock, or the last publication) */
  basisUnits: number
  /** units sold in truth after this line, and the physical stock */
  soldAfter: number
  physicalUnits: number
  policy: StockPolicy
}

/**
 * Checkout acceptance of one line at `at`, checks in order: region (SHIP-5: restricted or unknown
 * regions are rejected), registration for a presale phase (REG-1), a merchant removed from the
 * campaign (PAY-6, presale), stock under the policy (PAY-3). Accepted lines beyond physical stock
 * are {@link CHECKOUT_ACCEPTED_OVERSOLD}.
 */
export function checkoutLine(
  input: CheckoutLineInput,
  at: number,
  rules: FlowRules,
  out: Decision,
): Decision {
  const rs = rulesAt(at, rules)
  const shipping = input.knownRegions
    ? { shipping: { ...rs.shipping, regions: [...input.knownRegions] } }
    : rs
  const region = regionVerdict({ restrictedRegions: input.restrictedRegions }, input.region, shipping)
  if (!region.ok) return decide(out, false, CHECKOUT_REGION, region.ruleId, 0, region.reason)
  if (input.presale && !input.registered) {
    return decide(out, false, CHECKOUT_NOT_REGISTERED, 'REG-1', 0, 'SKU is not registered for this presale')
  }
  if (input.presale && input.merchantRemoved) {
    return decide(out, false, CHECKOUT_MERCHANT_REMOVED, 'PAY-6', 0, 'merchant was removed from the campaign')
  }
  if (!withinStock(input.requested, input.knownSold, input.basisUnits, input.policy.oversellShare)) {
    return decide(
      out,
      false,
      CHECKOUT_OUT_OF_STOCK,
      'PAY-3',
      0,
      'no sellable units left under the stock policy',
    )
  }
  if (isOversold(input.soldAfter, input.physicalUnits)) {
    return decide(out, true, CHECKOUT_ACCEPTED_OVERSOLD, 'PAY-3', 0, 'accepted beyond physical stock')
  }
  return decide(out, true, CHECKOUT_ACCEPTED, '', 0, 'accepted')
}
