import { DAY_MS, HOUR_MS } from '@d11/time/shanghai'
import type { Calendar } from './calendar.ts'
import type { Ruleset } from './ruleset.ts'
import { isNonNegInt, isTime, type Verdict, verdict, yuan } from './verdict.ts'

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

function applyPresale(baseFen: number, presale: boolean, rs: Pick<Ruleset, 'compensation'>): number {
  if (!presale) return baseFen
  return Number((BigInt(baseFen) * BigInt(rs.compensation.presaleMultiplierBp) + 5000n) / 10000n)
}

/**
 * PAY-1 (and PAY-4 for presale orders): late-shipment compensation = 30 % of the paid amount,
 * at least 5 and at most 500 yuan (ruleset `compensation.lateShipment`), times the presale
 * multiplier when `presale`. `ok: false` only for bad input.
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
  const baseFen = rateAmountFen(input.paidFen, a)
  const amountFen = applyPresale(baseFen, input.presale === true, rs)
  const ruleId = input.presale ? 'PAY-4' : 'PAY-1'
  const presaleNote = input.presale ? ` x ${rs.compensation.presaleMultiplierBp / 10000} presale` : ''
  return verdict(
    true,
    ruleId,
    `${a.rateBp / 100} % of ${yuan(input.paidFen)} within ${yuan(a.minFen)}..${yuan(a.maxFen)} = ${yuan(baseFen)}${presaleNote}`,
    { amountFen, baseFen },
  )
}

/**
 * PAY-3: an oversold order that can never ship is refunded in full and compensated like PAY-1 with
 * the ruleset's `compensation.oversell` figures (presale multiplier included, PAY-4).
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
  const amountFen = applyPresale(
    rateAmountFen(input.paidFen, rs.compensation.oversell),
    input.presale === true,
    rs,
  )
  return verdict(true, 'PAY-3', `oversold: refund ${yuan(input.paidFen)} and compensate ${yuan(amountFen)}`, {
    amountFen,
    refundFen: input.paidFen,
  })
}

export type PayoutMode = 'automatic' | 'on-complaint' | 'none'

/**
 * PAY-2: is a late order paid out, and how? Judged at `lateAt` (the moment the ship deadline
 * passed). Outside the no-auto-compensation window the payout is automatic; inside it a payout
 * happens only when the buyer complained and the complaint was upheld. `ok` = a payout is due.
 */
export function lateShipmentPayout(
  input: { lateAt: number; paidFen: number; presale?: boolean; complaintUpheld?: boolean },
  cal: Pick<Calendar, 'noAutoCompensationWindow'>,
  rs: Pick<Ruleset, 'compensation'>,
): Verdict & { mode: PayoutMode; amountFen: number; inWindow: boolean } {
  if (!isTime(input.lateAt)) {
    return verdict(false, 'PAY-2', `lateAt must be epoch ms, got ${input.lateAt}`, {
      mode: 'none' as const,
      amountFen: 0,
      inWindow: false,
    })
  }
  const amount = lateShipmentCompensation(input, rs)
  const inWindow = inNoAutoCompensationWindow(input.lateAt, cal)
  if (!inWindow) {
    return verdict(
      amount.ok,
      'PAY-2',
      `outside the no-auto-compensation window: automatic payout of ${yuan(amount.amountFen)}`,
      {
        mode: 'automatic' as const,
        amountFen: amount.amountFen,
        inWindow,
      },
    )
  }
  if (input.complaintUpheld) {
    return verdict(
      amount.ok,
      'PAY-2',
      `inside the no-auto-compensation window, complaint upheld: ${yuan(amount.amountFen)}`,
      {
        mode: 'on-complaint' as const,
        amountFen: amount.amountFen,
        inWindow,
      },
    )
  }
  return verdict(
    false,
    'PAY-2',
    'inside the no-auto-compensation window and no upheld complaint: nothing paid',
    {
      mode: 'none' as const,
      amountFen: 0,
      inWindow,
    },
  )
}

/**
 * PAY-5: a complaint must be handled within `complaintHandlingHours` (48 h) of filing, deadline
 * inclusive. Past it the platform intervenes, and an upheld complaint is the merchant's liability.
 * `ok` = handled in time (or still within the deadline at `now`).
 */
export function complaintHandlingVerdict(
  input: { filedAt: number; handledAt?: number; now: number; upheld?: boolean },
  rs: Pick<Ruleset, 'compensation'>,
): Verdict & { deadline: number; platformIntervenes: boolean; merchantLiable: boolean } {
  const deadline = input.filedAt + rs.compensation.complaintHandlingHours * HOUR_MS
  const handled = input.handledAt !== undefined && input.handledAt <= deadline
  const pending = input.handledAt === undefined && input.now <= deadline
  const ok = handled || pending
  const platformIntervenes = !ok
  return verdict(
    ok,
    'PAY-5',
    ok
      ? handled
        ? 'complaint handled within the deadline'
        : 'complaint open, deadline not reached'
      : `complaint not handled within ${rs.compensation.complaintHandlingHours} h: platform intervenes`,
    { deadline, platformIntervenes, merchantLiable: platformIntervenes && input.upheld === true },
  )
}

export type MassDelayLevel = 'none' | 'warning' | 'removal'

/**
 * PAY-6: a merchant with many delayed shipments or much poor service during the promo is warned,
 * and past the removal threshold removed from the campaign. Delay rates count only from
 * `massDelay.minOrders` orders on. `ok` = level `none`.
 */
export function massDelayVerdict(
  input: { orders: number; delayedOrders: number; poorServiceCount?: number },
  rs: Pick<Ruleset, 'compensation'>,
): Verdict & { level: MassDelayLevel; delayRateBp: number } {
  const m = rs.compensation.massDelay
  const delayRateBp = input.orders > 0 ? Math.floor((input.delayedOrders * 10000) / input.orders) : 0
  const rated = input.orders >= m.minOrders
  const poor = input.poorServiceCount ?? 0
  let level: MassDelayLevel = 'none'
  if ((rated && delayRateBp >= m.removeDelayRateBp) || poor >= m.removePoorServiceCount) level = 'removal'
  else if ((rated && delayRateBp >= m.warnDelayRateBp) || poor >= m.warnPoorServiceCount) level = 'warning'
  return verdict(
    level === 'none',
    'PAY-6',
    `${input.delayedOrders}/${input.orders} orders delayed (${delayRateBp / 100} %), ${poor} poor-service complaints: ${level}`,
    { level, delayRateBp },
  )
}

/**
 * PAY-7: one appeal per dispute, filed within `appeals.windowDays` (30) of the dispute's close,
 * end inclusive. `ok` = the appeal is accepted for review.
 */
export function appealVerdict(
  input: { disputeClosedAt: number; appealAt: number; previousAppeals: number },
  rs: Pick<Ruleset, 'compensation'>,
): Verdict & { deadline: number } {
  const a = rs.compensation.appeals
  const deadline = input.disputeClosedAt + a.windowDays * DAY_MS
  if (input.previousAppeals >= a.maxPerDispute) {
    return verdict(
      false,
      'PAY-7',
      `only ${a.maxPerDispute} appeal per dispute; a failed appeal cannot be repeated`,
      { deadline },
    )
  }
  if (input.appealAt < input.disputeClosedAt || input.appealAt > deadline) {
    return verdict(false, 'PAY-7', `appeal outside the ${a.windowDays}-day appeal period`, { deadline })
  }
  return verdict(true, 'PAY-7', 'appeal accepted for review', { deadline })
}

/**
 * PAY-7: the refund-dispute rate. Frequent (≥ `lowSuccessMinAppeals`) appeals with a success rate
 * below `lowSuccessRateBp` count their failed appeals as extra disputes. `ok` = no penalty applied.
 */
export function refundDisputeRate(
  input: { orders: number; disputes: number; appeals: number; appealSuccesses: number },
  rs: Pick<Ruleset, 'compensation'>,
): Verdict & { rateBp: number; countedDisputes: number; lowSuccess: boolean } {
  const a = rs.compensation.appeals
  const successBp = input.appeals > 0 ? Math.floor((input.appealSuccesses * 10000) / input.appeals) : 10000
  const lowSuccess = input.appeals >= a.lowSuccessMinAppeals && successBp < a.lowSuccessRateBp
  const countedDisputes = input.disputes + (lowSuccess ? input.appeals - input.appealSuccesses : 0)
  const rateBp = input.orders > 0 ? Math.floor((countedDisputes * 10000) / input.orders) : 0
  return verdict(
    !lowSuccess,
    'PAY-7',
    lowSuccess
      ? `${input.appeals} appeals at ${successBp / 100} % success: failed appeals count as disputes`
      : 'appeals do not affect the dispute rate',
    { rateBp, countedDisputes, lowSuccess },
  )
}

/**
 * PAY-8: a refund request on an unshipped order is approved at once (`approvedAt = requestedAt`).
 * `ok` = approved instantly; shipped orders go through the normal after-sale flow.
 */
export function instantRefundVerdict(input: {
  shipped: boolean
  requestedAt: number
  paidFen?: number
}): Verdict & { approvedAt?: number } {
  if (input.shipped) return verdict(false, 'PAY-8', 'order already shipped: normal refund flow')
  return verdict(true, 'PAY-8', 'unshipped order: refund approved instantly', {
    approvedAt: input.requestedAt,
    ...(input.paidFen === undefined ? {} : { amountFen: input.paidFen }),
  })
}
