import { HOUR_MS, SHANGHAI_OFFSET_MS, simTime, toShanghaiIso } from '@d11/time/shanghai'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { getCalendar } from '../src/calendar.ts'
import { inNoAutoCompensationWindow, lateShipmentPayout } from '../src/compensation.ts'
import { getRuleset, rulesetAt } from '../src/ruleset.ts'
import {
  delayReportVerdict,
  freeShippingClaimVerdict,
  regionVerdict,
  shipDeadline,
  shipDeadlineInfo,
  shipmentVerdict,
  traceDeadline,
  traceVerdict,
} from '../src/shipping.ts'

const rs = getRuleset('2022-04-15')
const cal2020 = getCalendar('2020')

describe('SHIP-1 pickup deadline', () => {
  it('source 001: a 3-day presale bought Feb 1 13:00 must ship by Feb 4 13:00', () => {
    const paidAt = simTime('2022-02-01T13:00:00+08:00')
    const rsAt = rulesetAt(paidAt)
    expect(toShanghaiIso(shipDeadline(paidAt, { presaleShipHours: 72 }, rsAt))).toBe(
      '2022-02-04T13:00:00.000+08:00',
    )
    expect(shipDeadline(paidAt, { contractShipAt: simTime('2022-02-04T13:00:00+08:00') }, rsAt)).toBe(
      simTime('2022-02-04T13:00:00+08:00'),
    )
  })

  it('source 000: orders paid Nov 1-3 are picked up within 48 h (deadline window), 48 h outside too', () => {
    const paid = simTime('2020-11-02T09:30:00+08:00')
    const rs2020 = rulesetAt(paid)
    expect(shipDeadlineInfo(paid, {}, rs2020)).toMatchObject({
      basis: 'window',
      windowId: 'double11-2020-wave1',
      ruleId: 'SHIP-1',
    })
    expect(shipDeadline(paid, {}, rs2020) - paid).toBe(48 * HOUR_MS)
    const outside = simTime('2020-12-02T09:30:00+08:00')
    expect(shipDeadlineInfo(outside, {}, rs2020)).toMatchObject({ basis: 'default' })
    expect(shipDeadline(outside, {}, rs2020) - outside).toBe(48 * HOUR_MS)
  })

  it('crosses month and year ends in Asia/Shanghai wall time', () => {
    expect(
      toShanghaiIso(shipDeadline(simTime('2021-12-30T20:00:00+08:00'), { presaleShipHours: 72 }, rs)),
    ).toBe('2022-01-02T20:00:00.000+08:00')
    expect(toShanghaiIso(shipDeadline(simTime('2024-02-27T23:59:00+08:00'), {}, rs))).toBe(
      '2024-02-29T23:59:00.000+08:00',
    )
    expect(toShanghaiIso(shipDeadline(simTime('2023-02-27T23:59:00+08:00'), {}, rs))).toBe(
      '2023-03-01T23:59:00.000+08:00',
    )
  })

  it('property: the deadline is paid-at plus N days in Shanghai wall-clock, across month/year boundaries', () => {
    const from = simTime('2019-01-01T00:00:00+08:00')
    const to = simTime('2031-01-01T00:00:00+08:00')
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), fc.integer({ min: 0, max: 40 }), (paidAt, days) => {
        const deadline = shipDeadline(paidAt, { presaleShipHours: days * 24 }, rs)
        // independent oracle: add days to the Shanghai calendar date with Date.UTC (which normalises overflow)
        const wall = new Date(paidAt + SHANGHAI_OFFSET_MS)
        const expected =
          Date.UTC(
            wall.getUTCFullYear(),
            wall.getUTCMonth(),
            wall.getUTCDate() + days,
            wall.getUTCHours(),
            wall.getUTCMinutes(),
            wall.getUTCSeconds(),
            wall.getUTCMilliseconds(),
          ) - SHANGHAI_OFFSET_MS
        expect(deadline).toBe(expected)
        expect(toShanghaiIso(deadline).slice(11)).toBe(toShanghaiIso(paidAt).slice(11))
      }),
    )
  })

  it('pickup exactly at the deadline is on time (inclusive); one millisecond later is late', () => {
    const paidAt = simTime('2020-11-03T23:59:59+08:00')
    const deadline = shipDeadline(paidAt, {}, rs)
    expect(shipmentVerdict({ paidAt, pickedUpAt: deadline, now: deadline }, rs)).toMatchObject({
      ok: true,
      late: false,
    })
    const late = shipmentVerdict({ paidAt, pickedUpAt: deadline + 1, now: deadline + 1 }, rs)
    expect(late).toMatchObject({ ok: false, ruleId: 'SHIP-1', late: true, lateAt: deadline })
    expect(shipmentVerdict({ paidAt, now: deadline - 1 }, rs).ok).toBe(true)
    expect(shipmentVerdict({ paidAt, now: deadline + 1 }, rs).ok).toBe(false)
  })
})

describe('SHIP-3 negotiated shipping', () => {
  it('an agreed ship time replaces the deadline for the late-shipment judgement', () => {
    const paidAt = simTime('2022-11-11T00:10:00+08:00')
    const negotiatedAt = simTime('2022-11-20T18:00:00+08:00')
    const pickedUpAt = simTime('2022-11-19T10:00:00+08:00') // way past 48 h, before the agreed time
    expect(shipmentVerdict({ paidAt, pickedUpAt, now: pickedUpAt }, rs).ok).toBe(false)
    const v = shipmentVerdict({ paidAt, pickedUpAt, now: pickedUpAt, negotiatedAt, presaleShipHours: 24 }, rs)
    expect(v).toMatchObject({ ok: true, ruleId: 'SHIP-3', basis: 'negotiated', deadline: negotiatedAt })
  })
})

describe('SHIP-2 trace update', () => {
  it('the first trace update is due 24 h after pickup, inclusive', () => {
    const pickedUpAt = simTime('2020-11-30T20:00:00+08:00')
    expect(toShanghaiIso(traceDeadline(pickedUpAt, rs))).toBe('2020-12-01T20:00:00.000+08:00')
    expect(traceVerdict({ pickedUpAt, firstTraceAt: pickedUpAt + 24 * HOUR_MS, now: 0 }, rs).ok).toBe(true)
    expect(
      traceVerdict({ pickedUpAt, firstTraceAt: pickedUpAt + 24 * HOUR_MS + 1, now: 0 }, rs),
    ).toMatchObject({
      ok: false,
      ruleId: 'SHIP-2',
    })
    expect(traceVerdict({ pickedUpAt, now: pickedUpAt + 25 * HOUR_MS }, rs).ok).toBe(false)
  })
})

describe('SHIP-4 delay reports and the no-auto-compensation window edges (PAY-2)', () => {
  const { from, to } = cal2020.noAutoCompensationWindow

  it('2020: refused from Oct 29 00:00 (inclusive) until Nov 19 00:00 (exclusive)', () => {
    expect(delayReportVerdict(from - 1, cal2020).ok).toBe(true)
    expect(delayReportVerdict(from, cal2020)).toMatchObject({ ok: false, ruleId: 'SHIP-4' })
    expect(delayReportVerdict(simTime('2020-11-18T23:59:59.999+08:00'), cal2020).ok).toBe(false)
    expect(delayReportVerdict(to, cal2020).ok).toBe(true)
    expect(to).toBe(simTime('2020-11-19T00:00:00+08:00'))
  })

  it('property: inside the window exactly when from <= t < to, for delay reports and payouts alike', () => {
    const near = fc.oneof(
      fc.integer({ min: -3 * HOUR_MS, max: 3 * HOUR_MS }).map((d) => from + d),
      fc.integer({ min: -3 * HOUR_MS, max: 3 * HOUR_MS }).map((d) => to + d),
      fc.integer({ min: from - 40 * 24 * HOUR_MS, max: to + 40 * 24 * HOUR_MS }),
    )
    fc.assert(
      fc.property(near, fc.boolean(), (t, upheld) => {
        const inside = t >= from && t < to
        expect(inNoAutoCompensationWindow(t, cal2020)).toBe(inside)
        expect(delayReportVerdict(t, cal2020).ok).toBe(!inside)
        const p = lateShipmentPayout({ lateAt: t, paidFen: 100_000, complaintUpheld: upheld }, cal2020, rs)
        expect(p.mode).toBe(inside ? (upheld ? 'on-complaint' : 'none') : 'automatic')
        expect(p.amountFen).toBe(inside && !upheld ? 0 : 30_000)
      }),
    )
  })
})

describe('SHIP-5 region restriction', () => {
  it('orders to restricted regions are rejected', () => {
    const sku = { restrictedRegions: ['xinjiang', 'xizang'] }
    expect(regionVerdict(sku, 'zhejiang', rs).ok).toBe(true)
    expect(regionVerdict(sku, 'xizang', rs)).toMatchObject({ ok: false, ruleId: 'SHIP-5' })
    expect(regionVerdict({}, 'atlantis', rs).ok).toBe(false)
  })
})

describe('SHIP-6 free-shipping claims (source 004)', () => {
  const everywhereFree = Object.fromEntries(rs.shipping.regions.map((r) => [r, 0]))
  it('a title saying 包邮 needs a free template for every region', () => {
    expect(freeShippingClaimVerdict({ title: '新款保温杯 包邮', template: everywhereFree }, rs).ok).toBe(true)
    const partial = { ...everywhereFree, xinjiang: 2_000 }
    const v = freeShippingClaimVerdict({ title: '新款保温杯 包邮', template: partial }, rs)
    expect(v).toMatchObject({
      ok: false,
      ruleId: 'SHIP-6',
      claimsFreeShipping: true,
      paidRegions: ['xinjiang'],
    })
    expect(freeShippingClaimVerdict({ title: 'Mug, FREE SHIPPING', template: { beijing: 0 } }, rs).ok).toBe(
      false,
    )
  })
  it('partial free shipping is fine when the title does not claim it', () => {
    expect(freeShippingClaimVerdict({ title: '新款保温杯', template: { beijing: 0 } }, rs)).toMatchObject({
      ok: true,
      claimsFreeShipping: false,
    })
  })
})
