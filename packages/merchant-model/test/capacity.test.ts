import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  dailyCapacity,
  nextWave,
  type RatedShift,
  ShiftCalendar,
  shiftSegments,
  warehouseShifts,
  workingTime,
} from '../src/capacity.ts'
import { loadProfile } from '../src/profile.ts'
import { Warehouse } from '../src/warehouse.ts'

const DAY = 86_400_000
const at = (iso: string) => Date.parse(iso)
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`

/** Non-overlapping same-day shifts from sorted cut points, each with its own rate. */
const shifts = fc
  .uniqueArray(fc.integer({ min: 0, max: 1440 }), { minLength: 2, maxLength: 8 })
  .chain((cuts) => {
    const sorted = [...cuts].sort((a, b) => a - b)
    const pairs: Array<[number, number]> = []
    for (let i = 0; i + 1 < sorted.length; i += 2) pairs.push([sorted[i]!, sorted[i + 1]!])
    return fc.tuple(
      fc.constant(pairs),
      fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: pairs.length, maxLength: pairs.length }),
    )
  })
  .map(([pairs, rates]) =>
    pairs.map(([a, b], i): RatedShift => ({ from: hhmm(a), to: hhmm(b), rate: rates[i]! })),
  )

describe('one capacity computation', () => {
  it('segments cover the day once; off-shift minutes have rate 0', () => {
    const segs = shiftSegments([
      { from: '22:00', to: '06:00', rate: 100 },
      { from: '08:00', to: '20:00', rate: 300 },
    ])
    expect(segs).toEqual([
      [0, 360, 100],
      [360, 480, 0],
      [480, 1200, 300],
      [1200, 1320, 0],
      [1320, 1440, 100],
    ])
    expect(dailyCapacity(segs)).toBe(8 * 100 + 12 * 300)
  })

  it("the merchant's calendar and the simulator's working time count the same units per day (fast-check)", () => {
    fc.assert(
      fc.property(shifts, fc.integer({ min: 1, max: 5000 }), (rated, base) => {
        const cal = new ShiftCalendar(rated)
        const work = workingTime(rated, base)
        const day0 = at('2020-11-11T00:00:00+08:00')
        // working minutes are weighted by rate / base: a day's worth × base / 60 is units per day
        const unitsPerDay = ((work.at(day0 + DAY) - work.at(day0)) * base) / 60
        expect(unitsPerDay).toBeCloseTo(cal.dailyCapacity, 6)
      }),
    )
  })

  it('and finish the same work at the same instant, within a millisecond of rounding (fast-check)', () => {
    fc.assert(
      fc.property(
        shifts,
        fc.integer({ min: 0, max: 3 * DAY }),
        fc.integer({ min: 1, max: 20_000 }),
        (rated, dt, units) => {
          const base = rated[0]!.rate
          const cal = new ShiftCalendar(rated)
          const work = workingTime(rated, base)
          const t = at('2020-11-10T00:00:00+08:00') + dt
          // the simulator serves one unit in 60 / base working minutes
          const sim = work.inverse(work.at(t) + (units * 60) / base)
          // within a year: over centuries (a 4-minute shift of 2 units/h, 16k units) float error leaves a
          // sub-ms remainder that one side carries into the next day's shift
          fc.pre(units <= new ShiftCalendar(rated).dailyCapacity * 365)
          expect(Math.abs(cal.finish(t, units) - sim)).toBeLessThanOrEqual(2)
        },
      ),
    )
  })

  it('the warehouse plans with the profile’s shifts: a shift without its own rate uses picksPerHour', () => {
    const p = loadProfile('prepared')
    const rated = warehouseShifts(p.warehouse)
    expect(rated).toHaveLength(p.warehouse.shifts.length)
    p.warehouse.shifts.forEach((s, i) => {
      expect(rated[i]!.rate).toBe(s.picksPerHour ?? p.warehouse.picksPerHour)
    })
    const w = new Warehouse({
      ...p.warehouse,
      picksPerHour: 60,
      shifts: [{ from: '08:00', to: '20:00' }],
      carrierWaves: ['10:00', '18:00'],
      traceDelayMinutes: 30,
    })
    const plan = w.plan(at('2020-11-11T02:00:00+08:00'))
    expect(plan.packedAt).toBe(at('2020-11-11T08:01:00+08:00'))
    expect(plan.pickupAt).toBe(at('2020-11-11T10:00:00+08:00'))
    expect(plan.traceAt).toBe(at('2020-11-11T10:30:00+08:00'))
  })

  it('the next carrier wave is on the Shanghai clock', () => {
    expect(nextWave(at('2020-11-11T18:00:01+08:00'), ['10:00', '18:00'])).toBe(
      at('2020-11-12T10:00:00+08:00'),
    )
    expect(nextWave(at('2020-11-11T10:00:00+08:00'), ['18:00', '10:00'])).toBe(
      at('2020-11-11T10:00:00+08:00'),
    )
  })
})
