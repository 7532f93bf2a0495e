import { DAY_MS, HOUR_MS } from '@d11/time/shanghai'
import type { Calendar } from './calendar.ts'
import type { Ruleset } from './ruleset.ts'
import { isNonNegInt, notInForce, type Verdict, verdict, yuan } from './verdict.ts'

type Amounts = Ruleset['compensation']['lateShipment']

/**
 * PAY-2 / SHIP-4: is `at` inside the calendar's no-auto-compensation window? The window is
 * half-open: `from` inclusive, `to` exclusive (2020: Oct 29 00:00 to Nov 19 00:00, i.e. Oct 29–Nov 18).
 */
export function inNoAutoCompensationWindow(
  at: number,
  cal: Pick<Calendar, 'noAutoCompensationWindow'>,
): boolean {
  const w = cal.noAutoCompensationWindow
  return at >= w.from && at < w.to
}

/** `rateBp` of `paidFen`, rounded half up to the fen, clamped to `[minFen, maxFen]`. */
export function rateAmountFen(paidFen: number, a: Amounts): number {
  const raw = Number((BigInt(paidFen) * BigInt(a.rateBp) + 5000n) / 10000n)
  return Math.min(a.maxFen, Math.max(a.minFen, raw))
}

/**
 * PAY-1 / PAY-3 with PAY-4 (002, 2024): the rate amount of `paidFen`, times the presale multiplier
 * when the order is presale and the ruleset has PAY-4 (`compensation.presale`), the clamp applied
 * before or after the multiplier as the ruleset says. Without PAY-4 a presale order is paid like any
 * other (1x). Allocation-free: the simulator caches it per SKU, the platform asks per order.
 */
function compensate(
  paidFen: number,
  a: Amounts,
  presale: boolean,
  oversell: boolean,
  rs: Pick<Ruleset, 'compensation'>,
): { baseFen: number; amountFen: number; multiplied: boolean } {
  const baseFen = rateAmountFen(paidFen, a)
  const p = rs.compensation.presale
  if (!presale || !p || (oversell && !p.appliesToOversell))
    return { baseFen, amountFen: baseFen, multiplied: false }
  if (p.multiplyAfterClamp) {
    return {
      baseFen,
      amountFen: Number((BigInt(baseFen) * BigInt(p.multiplierBp) + 5000n) / 10000n),
      multiplied: true,
    }
  }
  const raised = Number(
    (BigInt(paidFen) * BigInt(a.rateBp) * BigInt(p.multiplierBp) + 50_000_000n) / 100_000_000n,
  )
  return { baseFen, amountFen: Math.min(a.maxFen, Math.max(a.minFen, raised)), multiplied: true }
}

function presaleNote(multiplied: boolean, rs: Pick<Ruleset, 'compensation'>): string {
  const p = rs.compensation.presale
  return multiplied && p ? ` x ${p.multiplierBp / 10000} presale (PAY-4)` : ''
}

/**
 * PAY-1 (and PAY-4 for presale orders where the ruleset has it): late-shipment compensation = 30 %
 * of the paid amount, at least 5 and at most 500 yuan (ruleset `compensation.lateShipment`), times
 * the presale multiplier. `ruleId` is PAY-4 only when the multiplier applied: a presale order under
 * the 2009 or 2022 ruleset is a PAY-1 payout. `ok: false` only for bad input.
 */
export function lateShipmentCompensation(
  input: { paidFen: number; presale?: boolean },
  rs: Pick<Ruleset, 'compensation'>,
): Verdict & { amountFen: number; baseFen: number } {
  if (!isNonNegInt(input.paidFen)) {
    return verdict(false, 'PAY-1', `paidFen must be a non-negative integer, got ${input.paidFen}`, {
      amountFen: 0,
      baseFen: 0,
    })
  }
  const a = rs.compensation.lateShipment
  const c = compensate(input.paidFen, a, input.presale === true, false, rs)
  return verdict(
    true,
    c.multiplied ? 'PAY-4' : 'PAY-1',
    `${a.rateBp / 100} % of ${yuan(input.paidFen)} within ${yuan(a.minFen)}..${yuan(a.maxFen)} = ${yuan(c.baseFen)}${presaleNote(c.multiplied, rs)}`,
    { amountFen: c.amountFen, baseFen: c.baseFen },
  )
}

/**
 * PAY-3: an oversold order that can never ship is refunded in full and compensated like PAY-1 with
 * the ruleset's `compensation.oversell` figures (times PAY-4's multiplier where the ruleset has it
 * and says `appliesToOversell`).
 */
export function oversellCompensation(
  input: { paidFen: number; presale?: boolean },
  rs: Pick<Ruleset, 'compensation'>,
): Verdict & { amountFen: number; refundFen: number } {
  if (!isNonNegInt(input.paidFen)) {
    return verdict(false, 'PAY-3', `paidFen must be a non-negative integer, got ${input.paidFen}`, {
      amountFen: 0,
      refundFen: 0,
    })
  }
  const c = compensate(input.paidFen, rs.compensation.oversell, input.presale === true, true, rs)
  return verdict(
    true,
    'PAY-3',
    `oversold: refund ${yuan(input.paidFen)} and compensate ${yuan(c.amountFen)}${presaleNote(c.multiplied, rs)}`,
    { amountFen: c.amountFen, refundFen: input.paidFen },
  )
}

/**
 * PAY-5: a merchant must handle a complaint within `complaintHandlingHours` (48 h) of filing,
 * deadline inclusive. Past it the complaint is escalated: the platform intervenes and upholds it only
 * if it is `founded` on the facts (e.g. the order really was late); an escalation is not an upholding.
 * `ok` = handled in time (or still within the deadline at `now`); `upheld` = escalated and founded,
 * i.e. the merchant's liability.
 */
export function complaintHandlingVerdict(
  input: { filedAt: number; handledAt?: number; now: number; founded?: boolean },
  rs: Pick<Ruleset, 'compensation'>,
): Verdict & { deadline: number; escalated: boolean; upheld: boolean; merchantLiable: boolean } {
  const hours = rs.compensation.complaintHandlingHours
  const deadline = input.filedAt + hours * HOUR_MS
  const handled = input.handledAt !== undefined && input.handledAt <= deadline
  const pending = input.handledAt === undefined && input.now <= deadline
  const escalated = !handled && !pending
  const upheld = escalated && input.founded === true
  let reason: string
  if (handled) reason = 'complaint handled within the deadline'
  else if (pending) reason = 'complaint open, deadline not reached'
  else if (upheld)
    reason = `complaint not handled within ${hours} h: escalated, founded, upheld (merchant liable)`
  else reason = `complaint not handled within ${hours} h: escalated, not founded, rejected`
  return verdict(!escalated, 'PAY-5', reason, { deadline, escalated, upheld, merchantLiable: upheld })
}

export type MassDelayLevel = 'none' | 'warning' | 'removal'

/**
 * PAY-6 (002, 2024): a merchant with many delayed shipments or much poor service during the promo
 * is warned, and past the removal threshold removed from the campaign. Delay rates count only from
 * `massDelay.minOrders` orders on. `ok` = level `none`; without PAY-6 in the ruleset the level is
 * always `none` (`inForce: false`).
 */
export function massDelayVerdict(
  input: { orders: number; delayedOrders: number; poorServiceCount?: number },
  rs: Pick<Ruleset, 'compensation' | 'version'>,
): Verdict & { level: MassDelayLevel; delayRateBp: number; inForce: boolean } {
  const m = rs.compensation.massDelay
  const delayRateBp = input.orders > 0 ? Math.floor((input.delayedOrders * 10000) / input.orders) : 0
  if (!m)
    return notInForce('PAY-6', rs, 'no warning, no removal', { level: 'none' as MassDelayLevel, delayRateBp })
  const rated = input.orders >= m.minOrders
  const poor = input.poorServiceCount ?? 0
  let level: MassDelayLevel = 'none'
  if ((rated && delayRateBp >= m.removeDelayRateBp) || poor >= m.removePoorServiceCount) level = 'removal'
  else if ((rated && delayRateBp >= m.warnDelayRateBp) || poor >= m.warnPoorServiceCount) level = 'warning'
  return verdict(
    level === 'none',
    'PAY-6',
    `${input.delayedOrders}/${input.orders} orders delayed (${delayRateBp / 100} %), ${poor} poor-service complaints: ${level}`,
    { level, delayRateBp, inForce: true },
  )
}

/**
 * PAY-7 (002, 2024): one appeal per dispute (`appeals.maxPerDispute`), filed within
 * `appeals.windowDays` (30) of the dispute's close, end inclusive. `ok` = the appeal is accepted
 * for review. Without PAY-7 in the ruleset no appeal limit or window applies (`ok`, `inForce: false`).
 */
export function appealVerdict(
  input: { disputeClosedAt: number; appealAt: number; previousAppeals: number },
  rs: Pick<Ruleset, 'compensation' | 'version'>,
): Verdict & { deadline: number; inForce: boolean } {
  const a = rs.compensation.appeals
  if (!a) return notInForce('PAY-7', rs, 'no appeal limit or window', { deadline: Number.POSITIVE_INFINITY })
  const deadline = input.disputeClosedAt + a.windowDays * DAY_MS
  if (input.previousAppeals >= a.maxPerDispute) {
    return verdict(
      false,
      'PAY-7',
      `only ${a.maxPerDispute} appeal(s) per dispute; a failed appeal cannot be repeated`,
      { deadline, inForce: true },
    )
  }
  if (input.appealAt < input.disputeClosedAt || input.appealAt > deadline) {
    return verdict(false, 'PAY-7', `appeal outside the ${a.windowDays}-day appeal period`, {
      deadline,
      inForce: true,
    })
  }
  return verdict(true, 'PAY-7', 'appeal accepted for review', { deadline, inForce: true })
}

/**
 * PAY-7 (002, 2024), first consequence: an abusive appeal, i.e. a failed appeal over a small
 * dispute (at most `appeals.smallDisputeMaxFen`), counts its dispute into the shop's refund-dispute
 * rate. `ok` = no appeal was counted. Without PAY-7 the rate counts the disputes alone.
 */
export function refundDisputeRate(
  input: { orders: number; disputes: number; failedAppeals: ReadonlyArray<{ disputeFen: number }> },
  rs: Pick<Ruleset, 'compensation' | 'version'>,
): Verdict & { rateBp: number; countedDisputes: number; abusiveAppeals: number; inForce: boolean } {
  const a = rs.compensation.appeals
  let abusiveAppeals = 0
  if (a) for (const f of input.failedAppeals) if (f.disputeFen <= a.smallDisputeMaxFen) abusiveAppeals++
  const countedDisputes = input.disputes + abusiveAppeals
  const rateBp = input.orders > 0 ? Math.floor((countedDisputes * 10000) / input.orders) : 0
  const extra = { rateBp, countedDisputes, abusiveAppeals }
  if (!a) return notInForce('PAY-7', rs, 'appeals do not count into the dispute rate', extra)
  return verdict(
    abusiveAppeals === 0,
    'PAY-7',
    abusiveAppeals > 0
      ? `${abusiveAppeals} failed appeal(s) over disputes of at most ${yuan(a.smallDisputeMaxFen)} count as disputes`
      : 'no abusive appeals',
    { ...extra, inForce: true },
  )
}

/**
 * PAY-7 (002, 2024), second consequence: a product with frequent (≥ `lowSuccessMinAppeals`)
 * appeals whose success rate is below `lowSuccessRateBp` is put under review (滚动式排查).
 * `ok` = no review. Without PAY-7 no product is reviewed.
 */
export function appealReviewVerdict(
  input: { appeals: number; appealSuccesses: number },
  rs: Pick<Ruleset, 'compensation' | 'version'>,
): Verdict & { review: boolean; successBp: number; inForce: boolean } {
  const successBp = input.appeals > 0 ? Math.floor((input.appealSuccesses * 10000) / input.appeals) : 10000
  const a = rs.compensation.appeals
  if (!a) return notInForce('PAY-7', rs, 'no product review', { review: false, successBp })
  const review = input.appeals >= a.lowSuccessMinAppeals && successBp < a.lowSuccessRateBp
  return verdict(
    !review,
    'PAY-7',
    `${input.appeals} appeal(s) at ${successBp / 100} % success: ${review ? 'product put under review' : 'no review'}`,
    { review, successBp, inForce: true },
  )
}

/**
 * PAY-8 (002, 2024): a refund request on an unshipped order is approved at once
 * (`approvedAt = requestedAt`). `ok` = approved instantly. Shipped orders, and every order under a
 * ruleset without PAY-8 (`inForce: false`), go through the merchant's normal refund flow.
 */
export function instantRefundVerdict(
  input: { shipped: boolean; requestedAt: number; paidFen?: number },
  rs: Pick<Ruleset, 'compensation' | 'version'>,
): Verdict & { approvedAt?: number; inForce: boolean } {
  if (!rs.compensation.instantRefund)
    return notInForce('PAY-8', rs, "merchant's normal refund flow", {}, false)
  if (input.shipped)
    return verdict(false, 'PAY-8', 'order already shipped: normal refund flow', { inForce: true })
  return verdict(true, 'PAY-8', 'unshipped order: refund approved instantly', {
    approvedAt: input.requestedAt,
    inForce: true,
    ...(input.paidFen === undefined ? {} : { amountFen: input.paidFen }),
  })
}
