import type { RegistrationNode } from '@d11/rules/calendar'
import { checkRegistration, type ShopMetrics, type SkuRegistration } from '@d11/rules/registration'
import { type Decision, decide } from './decision.ts'
import { type FlowRules, rulesAt } from './rules-context.ts'

/** Which registration check failed: the field a caller's error names. */
const FIELD_OF_RULE: Record<string, string> = {
  'REG-1': 'node',
  'REG-2': 'node',
  'REG-3': 'merchant',
  'REG-4': 'crossStoreCoupon',
}

/**
 * REG-1..4 for one SKU registration at `at` (ruleset in force then): the node's window, the wave
 * conflict with `existing`, the shop's eligibility (REG-3, with the EXP-3 experience score when
 * known) and the mandatory cross-store coupon. `ok` when all pass; otherwise the first failing
 * rule, its reason, and `field` = the input field at fault.
 */
export function registrationDecision(
  input: {
    merchantId: string
    skuId: string
    node: RegistrationNode
    shop: ShopMetrics
    /** the merchant set the ruleset's cross-store coupon (PRICE-3) */
    crossStoreCoupon: boolean
  },
  existing: ReadonlyArray<SkuRegistration>,
  at: number,
  rules: FlowRules,
  out: Decision,
): Decision & { field: string } {
  const rs = rulesAt(at, rules)
  const verdicts = checkRegistration(
    {
      merchantId: input.merchantId,
      skuId: input.skuId,
      node: input.node,
      at,
      shop: input.shop,
      ...(input.crossStoreCoupon ? { crossStoreCoupon: rs.crossStoreCoupon } : {}),
    },
    { calendar: rules.calendar, ruleset: rs, existing },
  )
  const failed = verdicts.find((v) => !v.ok)
  const d = failed
    ? decide(out, false, 0, failed.ruleId, 0, failed.reason)
    : decide(out, true, 1, 'REG-1', 0, 'registration accepted')
  // REG-3 names the first failing metric (e.g. `violationPoints`)
  const metric =
    failed && 'failures' in failed ? String((failed.failures as string[])[0] ?? '').split(' ')[0] : ''
  return Object.assign(d, { field: failed ? metric || (FIELD_OF_RULE[failed.ruleId] ?? '') : '' })
}
