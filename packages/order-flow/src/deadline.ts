import { inNoAutoCompensationWindow } from '@d11/rules/compensation'
import type { Ruleset } from '@d11/rules/ruleset'
import {
  delayReportVerdict,
  pickupDeadlineInfo,
  pickupDeadline as rulesPickupDeadline,
  traceDeadline,
  traceVerdict,
} from '@d11/rules/shipping'
import { type Decision, decide } from './decision.ts'
import { compensationFor } from './payout-amounts.ts'
import { type FlowRules, rulesAt } from './rules-context.ts'

/** Outcome codes of {@link deadlinePassed}. */
export const DEADLINE_LATE_PAID = 1
export const DEADLINE_OVERSELL_PAID = 2
/** PAY-2: late inside the no-auto-compensation window: nothing paid unless a complaint is upheld. */
export const DEADLINE_WITHHELD = 3

/**
 * SHIP-1: the pickup deadline of an order paid at `paidAt` (ordered at `orderedAt`), with the
 * ruleset in force at payment: the hours of the payment's wave from the calendar, or
 * `presaleShipHours > 0` (a presale/contract ship time) counted from the order.
 */
export function pickupDeadline(
  paidAt: number,
  orderedAt: number,
  presaleShipHours: number,
  rules: FlowRules,
): { deadline: number; ruleId: string } {
  const info = pickupDeadlineInfo(
    { paidAt, orderedAt, presaleShipHours },
    rules.calendar,
    rulesAt(paidAt, rules),
  )
  return { deadline: info.deadline, ruleId: info.ruleId }
}

/** SHIP-1, the number only and allocation-free: the simulator's per-order call. */
export function pickupDeadlineAt(
  paidAt: number,
  orderedAt: number,
  presaleShipHours: number,
  rules: FlowRules,
): number {
  return rulesPickupDeadline(paidAt, orderedAt, presaleShipHours, rules.calendar, rulesAt(paidAt, rules))
}

/** SHIP-3: a ship time agreed with the buyer replaces the deadline (`pickupDeadlineInfo`'s precedence). */
export function negotiatedDeadline(
  paidAt: number,
  agreedAt: number,
  at: number,
  rules: FlowRules,
): { deadline: number; ruleId: string } {
  const info = pickupDeadlineInfo({ paidAt, negotiatedAt: agreedAt }, rules.calendar, rulesAt(at, rules))
  return { deadline: info.deadline, ruleId: info.ruleId }
}

/** SHIP-2: when the first logistics trace update is due after a pickup at `pickedUpAt`. */
export function traceDue(pickedUpAt: number, rules: FlowRules): number {
  return traceDeadline(pickedUpAt, rulesAt(pickedUpAt, rules))
}

/**
 * SHIP-2: was a first trace update at `tracedAt` in time for a pickup at `pickedUpAt` (deadline
 * inclusive, ruleset in force at pickup)?
 */
export function traceUpdate(
  pickedUpAt: number,
  tracedAt: number,
  rules: FlowRules,
): { onTime: boolean; deadline: number } {
  const v = traceVerdict({ pickedUpAt, firstTraceAt: tracedAt, now: tracedAt }, rulesAt(pickedUpAt, rules))
  return { onTime: v.ok, deadline: v.deadline }
}

/** PAY-2: is a late order compensated automatically at `at` (outside the no-auto-compensation window)? */
export function autoCompensates(at: number, rules: FlowRules): boolean {
  return !inNoAutoCompensationWindow(at, rules.calendar)
}

/**
 * What a passed SHIP-1 deadline means for an unshipped order, at `at` (the deadline), with the
 * ruleset in force then. An order that can never ship (oversold, no stock to come) is PAY-3;
 * otherwise it is late (PAY-1, PAY-4 for presale). Outside PAY-2's window either is paid at once
 * (`ok`, `amountFen`); inside it the payout is withheld ({@link DEADLINE_WITHHELD}, rule PAY-2,
 * `amountFen` = what an upheld complaint would get).
 */
export function deadlinePassed(
  input: { paidFen: number; presale: boolean; neverShips: boolean },
  at: number,
  rules: FlowRules,
  out: Decision,
): Decision {
  const rs = rulesAt(at, rules)
  const pay = compensationFor(input.paidFen, input.presale, input.neverShips, rs)
  if (!autoCompensates(at, rules)) {
    return decide(
      out,
      false,
      DEADLINE_WITHHELD,
      'PAY-2',
      pay.amountFen,
      'late inside the no-auto-compensation window: withheld',
    )
  }
  return decide(
    out,
    true,
    input.neverShips ? DEADLINE_OVERSELL_PAID : DEADLINE_LATE_PAID,
    pay.ruleId,
    pay.amountFen,
    input.neverShips ? 'oversold and can never ship: refunded and compensated' : 'late shipment: compensated',
  )
}

/** Outcome codes of {@link delayReport}. */
export const DELAY_REPORT_ACCEPTED = 1
export const DELAY_REPORT_REFUSED = 2

/** SHIP-4: a delay report is refused inside the no-auto-compensation window (the tool is offline). */
export function delayReport(at: number, rules: FlowRules, out: Decision): Decision {
  const v = delayReportVerdict(at, rules.calendar)
  return decide(out, v.ok, v.ok ? DELAY_REPORT_ACCEPTED : DELAY_REPORT_REFUSED, v.ruleId, 0, v.reason)
}

export type { Ruleset }
