import { getCalendar } from '@d11/rules/calendar'
import { describe, expect, it } from 'vitest'
import { MOMENTS_BY_CALENDAR, shanghaiIso, windowFor } from '../lib/windows.js'

describe('scenario windows mirror @d11/rules/calendar (CAL-1, CAL-2)', () => {
  for (const id of ['2020', '2022'] as const) {
    it(`calendar ${id}`, () => {
      const cal = getCalendar(id)
      const [w1, w2] = cal.waves
      expect(MOMENTS_BY_CALENDAR[id]).toEqual({
        wave1PresaleOpens: w1.presale.opens,
        wave1FinalPaymentOpens: w1.presale.finalPaymentOpens,
        wave1SpotOpens: w1.spot.opens,
        wave2SpotOpens: w2.spot.opens,
        afterSaleFrom: cal.afterSale.from,
      })
      expect(windowFor('peak-nov11', id).moment).toBe(w2.spot.opens)
    })
  }

  it('formats Asia/Shanghai instants whatever the host zone', () => {
    expect(shanghaiIso(Date.UTC(2022, 9, 31, 16))).toBe('2022-11-01T00:00:00.000+08:00')
    expect(windowFor('after-sale', '2022').fromIso).toBe('2022-11-12T10:00:00.000+08:00')
    expect(() => windowFor('peak-nov11', '2019')).toThrow(/CALENDAR must be 2020 or 2022/)
  })
})
