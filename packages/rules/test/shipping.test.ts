import { HOUR_MS, SHANGHAI_OFFSET_MS, simTime, toShanghaiIso } from '@d11/time/shanghai'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { getCalendar } from '../src/calendar.ts'
import { inNoAutoCompensationWindow, lateShipmentCompensation } from '../src/compensation.ts'
import { getRuleset, listRulesets, rulesetAt } from '../src/ruleset.ts'
import {
  delayReportVerdict,
  freeShippingClaimVerdict,
  pickupDeadline,
  pickupDeadlineInfo,
  regionVerdict,
  shipmentVerdict,
  traceDeadline,
  traceVerdict,
} from '../src/shipping.ts'

const rs = getRuleset('2022-04-15')
const cal2020 = getCalendar('2020')

describe('SHIP-1 pickup deadline', () => {
  const cal2022 = getCalendar('2022')
  const cal2024 = getCalendar('2024')

  it('source 001: a 3-day presale ordered Feb 1 13:00 must ship by Feb 4 13:00, counted from the order, not the payment', () => {
    const orderedAt = simTime('2022-02-01T13:00:00+08:00')
    const paidAt = simTime('2022-02-02T09:00:00+08:00') // paid a day later: does not move the deadline
    const rsAt = rulesetAt(paidAt)
    const feb4 = simTime('2022-02-04T13:00:00+08:00')
    expect(pickupDeadlineInfo({ paidAt, orderedAt, presaleShipHours: 72 }, cal2022, rsAt)).toMatchObject({
      deadline: feb4,
      basis: 'presale',
      ruleId: 'SHIP-1',
    })
    expect(pickupDeadline(paidAt, orderedAt, 72, cal2022, rsAt)).toBe(feb4)
    expect(pickupDeadlineInfo({ paidAt, contractShipAt: feb4 }, cal2022, rsAt).deadline).toBe(feb4)
  })

  it('source 000: orders paid Nov 1-3 (wave 1) are picked up within 48 h; the wave is read from the calendar', () => {
    const paid = simTime('2020-11-02T09:30:00+08:00')
    const rs2020 = rulesetAt(paid)
    expect(pickupDeadlineInfo({ paidAt: paid }, cal2020, rs2020)).toMatchObject({
      basis: 'wave1',
      wave: 1,
      ruleId: 'SHIP-1',
      deadline: paid + 48 * HOUR_MS,
    })
    expect(pickupDeadline(paid, paid, 0, cal2020, rs2020) - paid).toBe(48 * HOUR_MS)
  })

  it('wave 2 (Nov 11) has its own deadline value, flagged as a default, never silently the wave-1 48 h', () => {
    for (const r of listRulesets()) {
      expect(r.defaults).toContain('shipping.pickup.wave2Hours')
      expect(r.defaults).not.toContain('shipping.pickup.wave1Hours')
    }
    const paid = simTime('2020-11-11T00:03:00+08:00')
    const custom = { shipping: { ...rs.shipping, pickup: { ...rs.shipping.pickup, wave2Hours: 96 } } }
    expect(pickupDeadlineInfo({ paidAt: paid }, cal2020, custom)).toMatchObject({
      basis: 'wave2',
      wave: 2,
      deadline: paid + 96 * HOUR_MS,
    })
    // a wave-1 order under the same ruleset keeps 48 h
    const w1 = simTime('2020-11-01T00:00:00+08:00')
    expect(pickupDeadline(w1, w1, 0, cal2020, custom) - w1).toBe(48 * HOUR_MS)
    // 2022: wave 1's final payment opens Oct 31 20:00, so a payment then is a wave-1 order
    const final = simTime('2022-10-31T20:00:00+08:00')
    expect(pickupDeadlineInfo({ paidAt: final }, cal2022, rs).basis).toBe('wave1')
  })

  it('outside both waves the deadline is its own flagged default', () => {
    const outside = simTime('2020-12-02T09:30:00+08:00')
    const rs2020 = rulesetAt(outside)
    expect(rs2020.defaults).toContain('shipping.pickup.outsideWavesHours')
    expect(pickupDeadlineInfo({ paidAt: outside }, cal2020, rs2020)).toMatchObject({
      basis: 'outside-waves',
      wave: 0,
      deadline: outside + rs2020.shipping.pickup.outsideWavesHours * HOUR_MS,
    })
  })

  it('source 001: the Spring-festival 48 h applies to 不打烊 orders paid in its window with both addresses covered', () => {
    const paidAt = simTime('2022-01-30T10:00:00+08:00')
    const rsAt = rulesetAt(paidAt)
    const sf = { paidAt, springFestival: { fromRegion: 'zhejiang', toRegion: 'beijing' } }
    expect(pickupDeadlineInfo(sf, cal2022, rsAt)).toMatchObject({
      basis: 'spring-festival',
      windowId: 'spring-festival-2022',
      deadline: paidAt + 48 * HOUR_MS,
    })
    // an address outside the covered area, or an order not in 不打烊: no Spring-festival term
    const remote = { paidAt, springFestival: { fromRegion: 'zhejiang', toRegion: 'xinjiang' } }
    expect(pickupDeadlineInfo(remote, cal2022, rsAt).basis).toBe('outside-waves')
    expect(pickupDeadlineInfo({ paidAt }, cal2022, rsAt).basis).toBe('outside-waves')
    // the rule ended with its window, and the newer rulesets do not carry it
    const after = simTime('2022-02-09T00:00:00+08:00')
    expect(pickupDeadlineInfo({ ...sf, paidAt: after }, cal2022, rsAt).basis).toBe('outside-waves')
    expect(rs.shipping.springFestival).toEqual([])
  })

  it('2024: a wave-2 order is judged by the 2024 ruleset and calendar alike', () => {
    const paid = simTime('2024-11-11T00:00:00+08:00')
    expect(pickupDeadlineInfo({ paidAt: paid }, cal2024, rulesetAt(paid))).toMatchObject({
      basis: 'wave2',
      wave: 2,
    })
  })

  it('crosses month and year ends in Asia/Shanghai wall time', () => {
    const t = simTime('2021-12-30T20:00:00+08:00')
    expect(toShanghaiIso(pickupDeadline(t, t, 72, cal2020, rs))).toBe('2022-01-02T20:00:00.000+08:00')
    const leap = simTime('2024-02-27T23:59:00+08:00')
    expect(toShanghaiIso(pickupDeadline(leap, leap, 0, cal2020, rs))).toBe('2024-02-29T23:59:00.000+08:00')
    const plain = simTime('2023-02-27T23:59:00+08:00')
    expect(toShanghaiIso(pickupDeadline(plain, plain, 0, cal2020, rs))).toBe('2023-03-01T23:59:00.000+08:00')
  })

  it('property: the deadline is ordered-at plus N days in Shanghai wall-clock, across month/year boundaries', () => {
    const from = simTime('2019-01-01T00:00:00+08:00')
    const to = simTime('2031-01-01T00:00:00+08:00')
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), fc.integer({ min: 1, max: 40 }), (orderedAt, days) => {
        const deadline = pickupDeadline(orderedAt + HOUR_MS, orderedAt, days * 24, cal2020, rs)
        // independent oracle: add days to the Shanghai calendar date with Date.UTC (which normalises overflow)
        const wall = new Date(orderedAt + SHANGHAI_OFFSET_MS)
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
        expect(toShanghaiIso(deadline).slice(11)).toBe(toShanghaiIso(orderedAt).slice(11))
      }),
    )
  })

  it('property: pickupDeadline agrees with pickupDeadlineInfo for plain orders', () => {
    const from = simTime('2020-10-01T00:00:00+08:00')
    const to = simTime('2024-12-31T00:00:00+08:00')
    fc.assert(
      fc.property(
        fc.integer({ min: from, max: to }),
        fc.constantFrom('2020', '2022', '2024'),
        fc.constantFrom(0, 24, 72),
        (paidAt, id, hours) => {
          const cal = getCalendar(id)
          const r = rulesetAt(paidAt)
          const orderedAt = paidAt - HOUR_MS
          expect(pickupDeadline(paidAt, orderedAt, hours, cal, r)).toBe(
            pickupDeadlineInfo({ paidAt, orderedAt, presaleShipHours: hours }, cal, r).deadline,
          )
        },
      ),
    )
  })

  it('pickup exactly at the deadline is on time (inclusive); one millisecond later is late', () => {
    const paidAt = simTime('2020-11-03T23:59:59+08:00')
    const deadline = pickupDeadline(paidAt, paidAt, 0, cal2020, rs)
    expect(shipmentVerdict({ paidAt, pickedUpAt: deadline, now: deadline }, cal2020, rs)).toMatchObject({
      ok: true,
      late: false,
    })
    const late = shipmentVerdict({ paidAt, pickedUpAt: deadline + 1, now: deadline + 1 }, cal2020, rs)
    expect(late).toMatchObject({ ok: false, ruleId: 'SHIP-1', late: true, lateAt: deadline })
    expect(shipmentVerdict({ paidAt, now: deadline - 1 }, cal2020, rs).ok).toBe(true)
    expect(shipmentVerdict({ paidAt, now: deadline + 1 }, cal2020, rs).ok).toBe(false)
  })
})

describe('SHIP-3 negotiated shipping', () => {
  it('an agreed ship time replaces the deadline for the late-shipment judgement', () => {
    const cal2022 = getCalendar('2022')
    const paidAt = simTime('2022-11-11T00:10:00+08:00')
    const negotiatedAt = simTime('2022-11-20T18:00:00+08:00')
    const pickedUpAt = simTime('2022-11-19T10:00:00+08:00') // way past 48 h, before the agreed time
    expect(shipmentVerdict({ paidAt, pickedUpAt, now: pickedUpAt }, cal2022, rs).ok).toBe(false)
    const v = shipmentVerdict(
      { paidAt, pickedUpAt, now: pickedUpAt, negotiatedAt, presaleShipHours: 24 },
      cal2022,
      rs,
    )
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
        // a payout is due outside the window, inside it only on an upheld complaint
        const paid = !inNoAutoCompensationWindow(t, cal2020) || upheld
        const amountFen = paid ? lateShipmentCompensation({ paidFen: 100_000 }, rs).amountFen : 0
        expect(amountFen).toBe(inside && !upheld ? 0 : 30_000)
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
