import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { getCalendar, phaseAt } from '../src/calendar.ts'

// phaseAt answers from six shared objects (the generator calls it per order); the answers must
// still be the calendar's windows, in its precedence (wave 2 first; spot, final payment, presale).
describe('phaseAt', () => {
  for (const id of ['2020', '2022', '2024']) {
    const cal = getCalendar(id)
    const windows = ([1, 0] as const).flatMap((i) => {
      const w = cal.waves[i]!
      const wave = (i + 1) as 1 | 2
      return [
        { from: w.spot.opens, to: w.spot.closes, wave, phase: 'spot' },
        { from: w.presale.finalPaymentOpens, to: w.presale.finalPaymentCloses, wave, phase: 'final-payment' },
        { from: w.presale.opens, to: w.presale.finalPaymentOpens, wave, phase: 'presale' },
      ]
    })
    const expected = (t: number) => {
      const w = windows.find((x) => t >= x.from && t < x.to)
      return w && { wave: w.wave, phase: w.phase }
    }
    const edges = windows.flatMap((w) => [w.from, w.to])

    it(`calendar ${id}: the right phase at every window edge and around it`, () => {
      for (const e of edges) {
        for (const t of [e - 1, e, e + 1]) {
          const got = phaseAt(cal, t)
          expect(got && { wave: got.wave, phase: got.phase }, new Date(t).toISOString()).toEqual(expected(t))
        }
      }
    })

    it(`calendar ${id}: the right phase anywhere between the first and last window`, () => {
      const from = Math.min(...edges) - 86_400_000
      const to = Math.max(...edges) + 86_400_000
      fc.assert(
        fc.property(fc.integer({ min: from, max: to }), (t) => {
          const got = phaseAt(cal, t)
          expect(got && { wave: got.wave, phase: got.phase }).toEqual(expected(t))
        }),
        { numRuns: 2000 },
      )
    })

    it(`calendar ${id}: the same phase is the same (frozen) object every time`, () => {
      const t = cal.waves[1].spot.opens
      expect(phaseAt(cal, t)).toBe(phaseAt(cal, t + 1))
      expect(Object.isFrozen(phaseAt(cal, t))).toBe(true)
    })
  }
})
