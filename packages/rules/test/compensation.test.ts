import { DAY_MS, HOUR_MS, simTime } from '@d11/time/shanghai'
import { describe, expect, it } from 'vitest'
import { getCalendar } from '../src/calendar.ts'
import {
  appealVerdict,
  complaintHandlingVerdict,
  instantRefundVerdict,
  lateShipmentCompensation,
  lateShipmentPayout,
  massDelayVerdict,
  oversellCompensation,
  refundDisputeRate,
} from '../src/compensation.ts'
import { getRuleset, rulesetAt } from '../src/ruleset.ts'

const rs = getRuleset('2022-04-15')
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

  it('source 000: a high-priced phone oversold by ~500, 335 upheld late-shipment complaints at 500 yuan each = 167,500 yuan', () => {
    // Double 11 2020: the late orders fall inside the no-auto-compensation window (Oct 29 - Nov 18),
    // so each payout happens only because the complaint was upheld (PAY-2).
    const lateAt = simTime('2020-11-13T00:00:00+08:00')
    const rs2020 = rulesetAt(lateAt)
    const phonePaidFen = 599_900 // a high-priced phone: 30 % is above the 500-yuan cap
    const payouts = Array.from({ length: 335 }, () =>
      lateShipmentPayout({ lateAt, paidFen: phonePaidFen, complaintUpheld: true }, cal2020, rs2020),
    )
    expect(payouts.every((p) => p.ok && p.mode === 'on-complaint' && p.amountFen === 50_000)).toBe(true)
    const totalFen = payouts.reduce((s, p) => s + p.amountFen, 0)
    expect(totalFen).toBe(16_750_000)
    expect(totalFen / 100).toBe(167_500)
    // the ~165 oversold orders without an upheld complaint cost nothing inside the window
    expect(lateShipmentPayout({ lateAt, paidFen: phonePaidFen }, cal2020, rs2020)).toMatchObject({
      ok: false,
      amountFen: 0,
    })
  })
})

describe('PAY-2 no-auto-compensation window', () => {
  it('outside the window late orders are paid automatically', () => {
    const v = lateShipmentPayout(
      { lateAt: simTime('2020-11-19T00:00:00+08:00'), paidFen: 10_000 },
      cal2020,
      rs,
    )
    expect(v).toMatchObject({
      ok: true,
      ruleId: 'PAY-2',
      mode: 'automatic',
      amountFen: 3_000,
      inWindow: false,
    })
  })
  it('inside the window only an upheld complaint pays', () => {
    const lateAt = simTime('2020-10-29T00:00:00+08:00')
    expect(lateShipmentPayout({ lateAt, paidFen: 10_000 }, cal2020, rs)).toMatchObject({
      mode: 'none',
      amountFen: 0,
    })
    expect(lateShipmentPayout({ lateAt, paidFen: 10_000, complaintUpheld: true }, cal2020, rs)).toMatchObject(
      {
        mode: 'on-complaint',
        amountFen: 3_000,
      },
    )
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
  it('PAY-4: presale orders get the presale multiplier (default 1.5x) on top of the PAY-1 amount', () => {
    expect(lateShipmentCompensation({ paidFen: 10_000, presale: true }, rs)).toMatchObject({
      ruleId: 'PAY-4',
      baseFen: 3_000,
      amountFen: 4_500,
    })
    expect(lateShipmentCompensation({ paidFen: 1_000_000, presale: true }, rs).amountFen).toBe(75_000)
    expect(oversellCompensation({ paidFen: 10_000, presale: true }, rs).amountFen).toBe(4_500)
  })
})

describe('PAY-5 complaint handling within 48 h', () => {
  const filedAt = simTime('2022-11-12T10:00:00+08:00')
  it('handled at the deadline is in time; after it the platform intervenes and an upheld complaint is on the merchant', () => {
    expect(complaintHandlingVerdict({ filedAt, handledAt: filedAt + 48 * HOUR_MS, now: 0 }, rs).ok).toBe(true)
    const v = complaintHandlingVerdict(
      { filedAt, handledAt: filedAt + 48 * HOUR_MS + 1, now: 0, upheld: true },
      rs,
    )
    expect(v).toMatchObject({ ok: false, ruleId: 'PAY-5', platformIntervenes: true, merchantLiable: true })
    expect(complaintHandlingVerdict({ filedAt, now: filedAt + HOUR_MS }, rs).ok).toBe(true)
    expect(complaintHandlingVerdict({ filedAt, now: filedAt + 49 * HOUR_MS }, rs).platformIntervenes).toBe(
      true,
    )
  })
})

describe('PAY-6 mass-delay warning and removal', () => {
  it('warns at 5 % delayed, removes at 15 % (defaults), ignores tiny shops by rate', () => {
    expect(massDelayVerdict({ orders: 1000, delayedOrders: 10 }, rs)).toMatchObject({
      ok: true,
      level: 'none',
    })
    expect(massDelayVerdict({ orders: 1000, delayedOrders: 50 }, rs)).toMatchObject({
      ok: false,
      ruleId: 'PAY-6',
      level: 'warning',
    })
    expect(massDelayVerdict({ orders: 1000, delayedOrders: 150 }, rs).level).toBe('removal')
    expect(massDelayVerdict({ orders: 5, delayedOrders: 5 }, rs).level).toBe('none')
    expect(massDelayVerdict({ orders: 5, delayedOrders: 0, poorServiceCount: 30 }, rs).level).toBe('removal')
  })
})

describe('PAY-7 appeals', () => {
  const closed = simTime('2022-11-20T12:00:00+08:00')
  it('one appeal per dispute within 30 days (inclusive)', () => {
    expect(
      appealVerdict({ disputeClosedAt: closed, appealAt: closed + 30 * DAY_MS, previousAppeals: 0 }, rs).ok,
    ).toBe(true)
    expect(
      appealVerdict({ disputeClosedAt: closed, appealAt: closed + 30 * DAY_MS + 1, previousAppeals: 0 }, rs),
    ).toMatchObject({
      ok: false,
      ruleId: 'PAY-7',
    })
    expect(
      appealVerdict({ disputeClosedAt: closed, appealAt: closed + DAY_MS, previousAppeals: 1 }, rs).ok,
    ).toBe(false)
  })
  it('frequent low-success appeals count into the refund-dispute rate', () => {
    const fine = refundDisputeRate({ orders: 1000, disputes: 5, appeals: 10, appealSuccesses: 5 }, rs)
    expect(fine).toMatchObject({ ok: true, countedDisputes: 5, rateBp: 50 })
    const abusive = refundDisputeRate({ orders: 1000, disputes: 5, appeals: 10, appealSuccesses: 1 }, rs)
    expect(abusive).toMatchObject({
      ok: false,
      ruleId: 'PAY-7',
      lowSuccess: true,
      countedDisputes: 14,
      rateBp: 140,
    })
  })
})

describe('PAY-8 instant refund', () => {
  it('an unshipped order is refunded at once; a shipped one is not', () => {
    const at = simTime('2022-11-11T00:03:00+08:00')
    expect(instantRefundVerdict({ shipped: false, requestedAt: at, paidFen: 9_900 })).toMatchObject({
      ok: true,
      ruleId: 'PAY-8',
      approvedAt: at,
      amountFen: 9_900,
    })
    expect(instantRefundVerdict({ shipped: true, requestedAt: at }).ok).toBe(false)
  })
})
