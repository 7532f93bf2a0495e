import {
  complaintHandlingVerdict,
  inNoAutoCompensationWindow,
  massDelayVerdict,
} from '@d11/rules/compensation'
import { type Decision, decide } from './decision.ts'
import { compensationFor } from './payout-amounts.ts'
import { type FlowRules, rulesAt } from './rules-context.ts'

/** PAY-5: when the platform intervenes on a complaint filed at `filedAt` (deadline inclusive). */
export function complaintDeadline(filedAt: number, rules: FlowRules): number {
  return complaintHandlingVerdict({ filedAt, now: filedAt }, rulesAt(filedAt, rules)).deadline
}

export type ComplaintReason = 'late_shipment' | 'other'

/**
 * PAY-5's facts: a late-shipment complaint is founded when the order missed its ship deadline
 * (judged late, or still unshipped with the deadline passed when the complaint was filed). Other
 * complaints carry no fact the platform can check, so they stand.
 */
export function complaintFounded(input: {
  reason: ComplaintReason
  late: boolean
  unshippedPastDeadline: boolean
}): boolean {
  if (input.reason !== 'late_shipment') return true
  return input.late || input.unshippedPastDeadline
}

/** Outcome codes of {@link complaintOutcome}. */
export const COMPLAINT_UPHELD_PAID = 1
export const COMPLAINT_UPHELD = 2
export const COMPLAINT_REJECTED = 3

/**
 * PAY-5 (and PAY-2 inside its window): how a complaint ends, at `at`.
 * - Handled by the merchant in time: upheld when the merchant accepts it or it is founded.
 * - Escalated (the deadline passed): the platform upholds it only if it is founded — an
 *   escalation is not an automatic upholding.
 * An upheld late-shipment complaint on an order not yet compensated is paid: as PAY-3 when the
 * order can never ship (oversold), otherwise PAY-1 (PAY-4 for presale), with the ruleset in force
 * at `at`. `ruleId` is the payout's rule, or PAY-5 when nothing is paid.
 */
export function complaintOutcome(
  input: {
    reason: ComplaintReason
    filedAt: number
    handledInTime: boolean
    merchantAccepts: boolean
    founded: boolean
    neverShips: boolean
    alreadyCompensated: boolean
    paidFen: number
    presale: boolean
  },
  at: number,
  rules: FlowRules,
  out: Decision,
): Decision {
  const rs = rulesAt(at, rules)
  // escalated: PAY-5's own verdict at the decision (upheld only if founded)
  const upheld = input.handledInTime
    ? input.merchantAccepts || input.founded
    : complaintHandlingVerdict(
        // never handled by the merchant: escalated, whenever the platform decides
        { filedAt: input.filedAt, now: Number.POSITIVE_INFINITY, founded: input.founded },
        rulesAt(input.filedAt, rules),
      ).upheld
  if (!upheld) return decide(out, false, COMPLAINT_REJECTED, 'PAY-5', 0, 'complaint not founded: rejected')
  if (input.reason !== 'late_shipment' || input.alreadyCompensated) {
    return decide(out, true, COMPLAINT_UPHELD, 'PAY-5', 0, 'complaint upheld')
  }
  const pay = compensationFor(input.paidFen, input.presale, input.neverShips, rs)
  return decide(out, true, COMPLAINT_UPHELD_PAID, pay.ruleId, pay.amountFen, 'complaint upheld: compensated')
}

/** The rule a complaint's decision event names: PAY-2 inside the no-auto-compensation window, else PAY-5. */
export function complaintEventRule(at: number, rules: FlowRules): 'PAY-2' | 'PAY-5' {
  return inNoAutoCompensationWindow(at, rules.calendar) ? 'PAY-2' : 'PAY-5'
}

export const MASS_DELAY_NONE = 0
export const MASS_DELAY_WARNING = 1
export const MASS_DELAY_REMOVAL = 2

/**
 * PAY-5: is a decided complaint the merchant's liability? Only when the merchant let it pass the
 * handling deadline and the platform upheld it on the facts.
 */
export function merchantLiable(handledInTime: boolean, upheld: boolean): boolean {
  return !handledInTime && upheld
}

/**
 * PAY-6 level at `at`: `delayed` late orders of `judged` orders judged against SHIP-1, and
 * `poorService` = complaints that are the merchant's liability ({@link merchantLiable}: escalated
 * past PAY-5's deadline and upheld on the facts) — the one count of poor service both engines use.
 * 0 none, 1 warning, 2 removal.
 */
export function massDelayLevel(
  judged: number,
  delayed: number,
  poorService: number,
  at: number,
  rules: FlowRules,
): number {
  const level = massDelayVerdict(
    { orders: judged, delayedOrders: delayed, poorServiceCount: poorService },
    rulesAt(at, rules),
  ).level
  return level === 'removal' ? MASS_DELAY_REMOVAL : level === 'warning' ? MASS_DELAY_WARNING : MASS_DELAY_NONE
}

/** {@link massDelayLevel} with the rule's reason, for the platform's events. */
export function massDelayDecision(
  judged: number,
  delayed: number,
  poorService: number,
  at: number,
  rules: FlowRules,
  out: Decision,
): Decision {
  const v = massDelayVerdict(
    { orders: judged, delayedOrders: delayed, poorServiceCount: poorService },
    rulesAt(at, rules),
  )
  const code =
    v.level === 'removal' ? MASS_DELAY_REMOVAL : v.level === 'warning' ? MASS_DELAY_WARNING : MASS_DELAY_NONE
  return decide(out, v.ok, code, v.ruleId, 0, v.reason)
}
