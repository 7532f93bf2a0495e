import { RULE_CATALOGUE } from './catalogue.ts'

/**
 * Rule ID -> the exported functions that implement it, as `module#function` (module = the
 * package export, e.g. `price` for `@d11/rules/price`). The coverage test checks that every rule
 * of the catalogue (`src/catalogue.ts`) is listed here and that every listed function exists.
 */
export const RULE_INDEX: Readonly<Record<string, readonly string[]>> = {
  'CAL-1': ['calendar#getCalendar', 'calendar#phaseAt'],
  'CAL-2': [
    'calendar#getCalendar',
    'calendar#listCalendars',
    'calendar#loadCalendarFile',
    'ruleset#rulesetAt',
  ],
  'CAL-3': ['calendar#inLaunchBurst'],
  'REG-1': ['registration#registrationWindowVerdict', 'registration#checkRegistration'],
  'REG-2': ['registration#waveConflictVerdict', 'registration#checkRegistration'],
  'REG-3': ['registration#eligibilityVerdict', 'registration#checkRegistration'],
  'REG-4': ['registration#mandatoryCouponVerdict', 'registration#checkRegistration'],
  'PRICE-1': ['price#tierOf', 'price#validates'],
  'PRICE-2': ['price#validateCampaignPrice'],
  'PRICE-3': ['price#apportionCoupon', 'price#crossStoreDiscountFen', 'price#crossStoreCoupon'],
  'PRICE-4': ['price#toHandPrice', 'price#toHandFloorFen'],
  'PRICE-5': ['price#priceProtectionClaim', 'price#presaleSpotPriceProtection'],
  'SHIP-1': [
    'shipping#pickupDeadline',
    'shipping#pickupDeadlineInfo',
    'shipping#shipmentVerdict',
    'calendar#paymentWave',
  ],
  'SHIP-2': ['shipping#traceDeadline', 'shipping#traceVerdict'],
  'SHIP-3': ['shipping#pickupDeadlineInfo', 'shipping#shipmentVerdict'],
  'SHIP-4': ['shipping#delayReportVerdict'],
  'SHIP-5': ['shipping#regionVerdict'],
  'SHIP-6': ['shipping#freeShippingClaimVerdict'],
  'PAY-1': ['compensation#lateShipmentCompensation', 'compensation#rateAmountFen'],
  'PAY-2': ['compensation#inNoAutoCompensationWindow'],
  'PAY-3': ['compensation#oversellCompensation'],
  'PAY-4': ['compensation#lateShipmentCompensation', 'compensation#oversellCompensation'],
  'PAY-5': ['compensation#complaintHandlingVerdict'],
  'PAY-6': ['compensation#massDelayVerdict'],
  'PAY-7': [
    'compensation#appealVerdict',
    'compensation#refundDisputeRate',
    'compensation#appealReviewVerdict',
  ],
  'PAY-8': ['compensation#instantRefundVerdict'],
  'EXP-1': ['experience#replyRateVerdict'],
  'EXP-2': ['experience#manualResponseVerdict'],
  'EXP-3': ['experience#experienceScore', 'experience#experienceScoreVerdict'],
  'EXP-4': ['experience#consultationMix', 'experience#botOnlyReception'],
}

/** Rule IDs implemented by this package, sorted. */
export function implementedRuleIds(): string[] {
  return Object.keys(RULE_INDEX).sort()
}

/** Catalogue rule IDs that nothing here implements yet (empty when the package is complete). */
export function unimplementedRuleIds(): string[] {
  return RULE_CATALOGUE.map((rule) => rule.id).filter((id) => !RULE_INDEX[id])
}
