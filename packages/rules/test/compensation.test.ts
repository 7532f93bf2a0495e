import { DAY_MS, HOUR_MS, simTime } from '@d11/time/shanghai'
import { describe, expect, it } from 'vitest'
import { getCalendar } from '../src/calendar.ts'
import {
  appealReviewVerdict,
  appealVerdict,
  complaintHandlingVerdict,
  inNoAutoCompensationWindow,
  instantRefundVerdict,
  lateShipmentCompensation,
  massDelayVerdict,
  oversellCompensation,
  refundDisputeRate,
} from '../src/compensation.ts'
import { getRuleset, rulesetAt } from '../src/ruleset.ts'

const rs = getRuleset('2022-04-15')
const rs2024 = getRuleset('2024-05-20')
const cal2020 = getCalendar('2020')

describe('PAY-1 late-shipment compensation', () => {
  it('30 % of the paid amount, at least 5 and at most 500 yuan', () => {
    expect(lateShipmentCompensation({ paidFen: 10_000 }, rs)).toMatchObject({
      ok: true,
      ruleId: 'PAY-1',
      amountFen: 3_000,
    })
    expect(lateShipmentCompensation({ paidFen: 1_000 }, rs).amountFen).toBe(500)
    expect(lateShipmentCompensation({ paidFen: 1_000_000 }, rs).amountFen).toBe(50_000)
    expect(lateShipmentCompensation({ paidFen: 3_335 }, rs).amountFen).toBe(1_001) // 1000.5 rounds half up
    expect(lateShipmentCompensation({ paidFen: -1 }, rs).ok).toBe(false)
  })

  it('source 000: a high-priced phone oversold by ~500, 335 upheld late-shipment complaints at 500 yuan each = 167,500 yuan (2020: no presale multiplier)', () => {
    // Double 11 2020: the late orders fall inside the no-auto-compensation window (Oct 29 - Nov 18),
    // so each payout happens only because the complaint was upheld (PAY-2).
    const lateAt = simTime('2020-11-13T00:00:00+08:00')
    const rs2020 = rulesetAt(lateAt)
    expect(rs2020.version).toBe('2009-11-11')
    const phonePaidFen = 599_900 // a high-priced phone: 30 % is above the 500-yuan cap
    // inside PAY-2's window: nothing automatic, each upheld complaint pays PAY-1's clamped amount
    expect(inNoAutoCompensationWindow(lateAt, cal2020)).toBe(true)
    const payouts = Array.from({ length: 335 }, () =>
      lateShipmentCompensation({ paidFen: phonePaidFen }, rs2020),
    )
    expect(payouts.every((p) => p.ok && p.ruleId === 'PAY-1' && p.amountFen === 50_000)).toBe(true)
    // the same figure whether the phone sold in presale or spot: PAY-4 is not in force in 2020
    const presale = lateShipmentCompensation({ paidFen: phonePaidFen, presale: true }, rs2020)
    expect(presale.amountFen).toBe(50_000)
    const totalFen = payouts.reduce((s, p) => s + p.amountFen, 0)
    expect(totalFen).toBe(16_750_000)
    expect(totalFen / 100).toBe(167_500)
  })
})

describe('PAY-2 no-auto-compensation window', () => {
  it('outside the window a late order is paid automatically; inside it only on an upheld complaint', () => {
    expect(inNoAutoCompensationWindow(simTime('2020-11-19T00:00:00+08:00'), cal2020)).toBe(false)
    expect(inNoAutoCompensationWindow(simTime('2020-10-29T00:00:00+08:00'), cal2020)).toBe(true)
    expect(lateShipmentCompensation({ paidFen: 10_000 }, rs)).toMatchObject({ ok: true, amountFen: 3_000 })
  })
})

describe('PAY-3 oversell and PAY-4 presale', () => {
  it('PAY-3: an oversold order is refunded and compensated like PAY-1', () => {
    expect(oversellCompensation({ paidFen: 20_000 }, rs)).toMatchObject({
      ok: true,
      ruleId: 'PAY-3',
      amountFen: 6_000,
      refundFen: 20_000,
    })
  })
  it('PAY-4 (2024): presale orders get the multiplier (default 1.5x) after the PAY-1 clamp', () => {
    expect(lateShipmentCompensation({ paidFen: 10_000, presale: true }, rs2024)).toMatchObject({
      ruleId: 'PAY-4',
      baseFen: 3_000,
      amountFen: 4_500,
    })
    expect(lateShipmentCompensation({ paidFen: 1_000_000, presale: true }, rs2024).amountFen).toBe(75_000)
    expect(oversellCompensation({ paidFen: 10_000, presale: true }, rs2024).amountFen).toBe(4_500)
    // a spot order under the same ruleset is a plain PAY-1 payout
    expect(lateShipmentCompensation({ paidFen: 10_000 }, rs2024)).toMatchObject({
      ruleId: 'PAY-1',
      amountFen: 3_000,
    })
  })
  it('PAY-4 is not in force before 2024: a presale order is paid like any other (PAY-1 clamp, 1x)', () => {
    for (const r of [getRuleset('2009-11-11'), rs]) {
      expect(r.compensation.presale).toBeUndefined()
      expect(lateShipmentCompensation({ paidFen: 1_000_000, presale: true }, r)).toMatchObject({
        ruleId: 'PAY-1',
        amountFen: 50_000,
      })
      expect(oversellCompensation({ paidFen: 10_000, presale: true }, r).amountFen).toBe(3_000)
    }
  })
  it('a 2020 presale order paid late pays 500 yuan; the same order in 2024 pays the multiplied 750 yuan', () => {
    const phone = 599_900
    const late2020 = simTime('2020-11-20T10:00:00+08:00') // outside the no-auto-compensation window
    expect(inNoAutoCompensationWindow(late2020, cal2020)).toBe(false)
    const p2020 = lateShipmentCompensation({ paidFen: phone, presale: true }, rulesetAt(late2020))
    expect(p2020).toMatchObject({ ok: true, ruleId: 'PAY-1', amountFen: 50_000 })
    const late2024 = simTime('2024-11-20T10:00:00+08:00')
    expect(inNoAutoCompensationWindow(late2024, getCalendar('2024'))).toBe(false)
    const p2024 = lateShipmentCompensation({ paidFen: phone, presale: true }, rulesetAt(late2024))
    expect(p2024).toMatchObject({ ok: true, ruleId: 'PAY-4', amountFen: 75_000 })
  })
  it('PAY-4 settings: the clamp before the multiplier, and oversell payouts left out, where a ruleset says so', () => {
    const presale = { multiplierBp: 15_000, multiplyAfterClamp: false, appliesToOversell: false }
    const custom = { ...rs2024, compensation: { ...rs2024.compensation, presale } }
    expect(lateShipmentCompensation({ paidFen: 1_000_000, presale: true }, custom)).toMatchObject({
      ruleId: 'PAY-4',
      amountFen: 50_000,
    })
    expect(lateShipmentCompensation({ paidFen: 10_000, presale: true }, custom).amountFen).toBe(4_500)
    expect(oversellCompensation({ paidFen: 10_000, presale: true }, custom).amountFen).toBe(3_000)
  })
})

describe('PAY-5 complaint handling within 48 h', () => {
  const filedAt = simTime('2022-11-12T10:00:00+08:00')
  it('handled at the deadline is in time; after it the complaint is escalated', () => {
    expect(
      complaintHandlingVerdict({ filedAt, handledAt: filedAt + 48 * HOUR_MS, now: 0 }, rs),
    ).toMatchObject({
      ok: true,
      escalated: false,
      upheld: false,
    })
    expect(complaintHandlingVerdict({ filedAt, now: filedAt + HOUR_MS }, rs).ok).toBe(true)
    const late = complaintHandlingVerdict(
      { filedAt, handledAt: filedAt + 48 * HOUR_MS + 1, now: 0, founded: true },
      rs,
    )
    expect(late).toMatchObject({
      ok: false,
      ruleId: 'PAY-5',
      escalated: true,
      upheld: true,
      merchantLiable: true,
    })
  })
  it('an escalation is not an upholding: only a founded complaint is upheld', () => {
    const now = filedAt + 49 * HOUR_MS
    expect(complaintHandlingVerdict({ filedAt, now, founded: false }, rs)).toMatchObject({
      escalated: true,
      upheld: false,
      merchantLiable: false,
    })
    expect(complaintHandlingVerdict({ filedAt, now }, rs).upheld).toBe(false)
    expect(complaintHandlingVerdict({ filedAt, now, founded: true }, rs).upheld).toBe(true)
    // founded but handled in time by the merchant: not escalated, so not the platform's upholding
    expect(complaintHandlingVerdict({ filedAt, handledAt: filedAt, now, founded: true }, rs).upheld).toBe(
      false,
    )
  })
})

describe('PAY-6 mass-delay warning and removal', () => {
  it('2024: warns at 5 % delayed, removes at 15 % (defaults), ignores tiny shops by rate', () => {
    expect(massDelayVerdict({ orders: 1000, delayedOrders: 10 }, rs2024)).toMatchObject({
      ok: true,
      level: 'none',
      inForce: true,
    })
    expect(massDelayVerdict({ orders: 1000, delayedOrders: 50 }, rs2024)).toMatchObject({
      ok: false,
      ruleId: 'PAY-6',
      level: 'warning',
    })
    expect(massDelayVerdict({ orders: 1000, delayedOrders: 150 }, rs2024).level).toBe('removal')
    expect(massDelayVerdict({ orders: 5, delayedOrders: 5 }, rs2024).level).toBe('none')
    expect(massDelayVerdict({ orders: 5, delayedOrders: 0, poorServiceCount: 30 }, rs2024).level).toBe(
      'removal',
    )
  })
  it('not in force before 2024: no warning, no removal', () => {
    expect(massDelayVerdict({ orders: 1000, delayedOrders: 900, poorServiceCount: 99 }, rs)).toMatchObject({
      ok: true,
      ruleId: 'PAY-6',
      inForce: false,
      level: 'none',
      delayRateBp: 9000,
    })
  })
})

describe('PAY-7 appeals', () => {
  const closed = simTime('2024-11-20T12:00:00+08:00')
  it('one appeal per dispute (maxPerDispute) within 30 days (inclusive)', () => {
    expect(
      appealVerdict({ disputeClosedAt: closed, appealAt: closed + 30 * DAY_MS, previousAppeals: 0 }, rs2024),
    ).toMatchObject({ ok: true, inForce: true })
    expect(
      appealVerdict(
        { disputeClosedAt: closed, appealAt: closed + 30 * DAY_MS + 1, previousAppeals: 0 },
        rs2024,
      ),
    ).toMatchObject({ ok: false, ruleId: 'PAY-7' })
    expect(
      appealVerdict({ disputeClosedAt: closed, appealAt: closed + DAY_MS, previousAppeals: 1 }, rs2024).ok,
    ).toBe(false)
    const two = {
      ...rs2024,
      compensation: {
        ...rs2024.compensation,
        appeals: { ...rs2024.compensation.appeals!, maxPerDispute: 2 },
      },
    }
    expect(
      appealVerdict({ disputeClosedAt: closed, appealAt: closed + DAY_MS, previousAppeals: 1 }, two).ok,
    ).toBe(true)
  })
  it('first consequence: failed appeals over small disputes count into the refund-dispute rate', () => {
    const fine = refundDisputeRate(
      { orders: 1000, disputes: 5, failedAppeals: [{ disputeFen: 50_000 }] },
      rs2024,
    )
    expect(fine).toMatchObject({ ok: true, countedDisputes: 5, rateBp: 50, abusiveAppeals: 0 })
    const small = [{ disputeFen: 800 }, { disputeFen: 1_000 }, { disputeFen: 1_001 }]
    const abusive = refundDisputeRate({ orders: 1000, disputes: 5, failedAppeals: small }, rs2024)
    expect(abusive).toMatchObject({
      ok: false,
      ruleId: 'PAY-7',
      abusiveAppeals: 2,
      countedDisputes: 7,
      rateBp: 70,
    })
  })
  it('second consequence: frequent low-success appeals put the product under review', () => {
    expect(appealReviewVerdict({ appeals: 10, appealSuccesses: 1 }, rs2024)).toMatchObject({
      ok: false,
      ruleId: 'PAY-7',
      review: true,
      successBp: 1000,
    })
    expect(appealReviewVerdict({ appeals: 10, appealSuccesses: 5 }, rs2024).review).toBe(false)
    expect(appealReviewVerdict({ appeals: 4, appealSuccesses: 0 }, rs2024).review).toBe(false) // not frequent
  })
  it('not in force before 2024: no limit, no window, no consequence', () => {
    const v = appealVerdict(
      { disputeClosedAt: closed, appealAt: closed + 90 * DAY_MS, previousAppeals: 3 },
      rs,
    )
    expect(v).toMatchObject({ ok: true, ruleId: 'PAY-7', inForce: false })
    expect(
      refundDisputeRate({ orders: 1000, disputes: 5, failedAppeals: [{ disputeFen: 1 }] }, rs),
    ).toMatchObject({
      ok: true,
      inForce: false,
      countedDisputes: 5,
    })
    expect(appealReviewVerdict({ appeals: 10, appealSuccesses: 0 }, rs)).toMatchObject({
      review: false,
      inForce: false,
    })
  })
})

describe('PAY-8 instant refund', () => {
  const at = simTime('2024-11-11T00:03:00+08:00')
  it('2024: an unshipped order is refunded at once; a shipped one is not', () => {
    expect(instantRefundVerdict({ shipped: false, requestedAt: at, paidFen: 9_900 }, rs2024)).toMatchObject({
      ok: true,
      ruleId: 'PAY-8',
      approvedAt: at,
      amountFen: 9_900,
      inForce: true,
    })
    expect(instantRefundVerdict({ shipped: true, requestedAt: at }, rs2024).ok).toBe(false)
  })
  it('not in force before 2024: no instant refund, the merchant handles it', () => {
    const v = instantRefundVerdict({ shipped: false, requestedAt: at }, rs)
    expect(v).toMatchObject({ ok: false, ruleId: 'PAY-8', inForce: false })
    expect(v.approvedAt).toBeUndefined()
  })
})
