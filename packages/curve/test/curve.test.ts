import { getCalendar } from '@d11/rules/calendar'
import { DAY_MS, MINUTE_MS, parseShanghaiTime, shanghaiDay } from '@d11/time/shanghai'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Curve, expectedCounts, MinuteCdf, worldCdf, worldWindow } from '../src/curve.ts'
import { CurveError, defaultCurveParams, validateCurveParams } from '../src/params.ts'

const HOUR = 3_600_000
const at = (text: string) => parseShanghaiTime(text)!

function dailyTotals(calendarId: string): Array<[string, number]> {
  const cal = getCalendar(calendarId)
  const { from, to } = worldWindow(cal)
  const w = new Curve(cal, 'orders').perMinute(from, to)
  const days = new Map<string, number>()
  w.forEach((v, i) => {
    const d = shanghaiDay(from + i * MINUTE_MS)
    days.set(d, (days.get(d) ?? 0) + v)
  })
  return [...days].sort((a, b) => b[1] - a[1])
}

function spotDays(calendarId: string, wave: 0 | 1): string[] {
  const spot = getCalendar(calendarId).waves[wave].spot
  const days: string[] = []
  for (let t = spot.opens; t < spot.closes; t += HOUR)
    if (!days.includes(shanghaiDay(t))) days.push(shanghaiDay(t))
  return days
}

describe.each(['2020', '2022'])('CAL-3 curve of calendar %s', (id) => {
  it('has its biggest day on Nov 11 and its second biggest in wave 1 spot (CAL-1 two waves)', () => {
    const [first, second] = dailyTotals(id)
    expect(first?.[0]).toBe(`${id}-11-11`)
    expect(spotDays(id, 0)).toContain(second?.[0])
  })

  it('puts the global peak in the first minutes after Nov 11 00:00, several times the hour mean', () => {
    const curve = new Curve(getCalendar(id), 'orders')
    const t0 = at(`${id}-11-11T00:00`)
    const hour = curve.perMinute(t0, t0 + HOUR)
    const first10 = hour.slice(0, 10).reduce((a, b) => a + b, 0) / 10
    const mean = hour.reduce((a, b) => a + b, 0) / 60
    expect(first10 / mean).toBeGreaterThan(3)
    const { from, to } = worldWindow(getCalendar(id))
    const all = curve.perMinute(from, to)
    const peakMinute = all.indexOf(Math.max(...all))
    expect(from + peakMinute * MINUTE_MS).toBe(t0)
  })

  it('lets every launch spike fade within the hour', () => {
    const cal = getCalendar(id)
    const curve = new Curve(cal, 'orders')
    for (const m of cal.launchMoments) {
      const base = (t: number) => curve.diurnal(t + 30_000) * curve.phaseMultiplier(t + 30_000)
      expect(curve.minute(m.at)).toBeGreaterThan(base(m.at) * 2)
      const after = m.at + HOUR
      expect(curve.minute(after)).toBeCloseTo(base(after), 6)
    }
  })
})

describe('expectedCounts', () => {
  const cal = getCalendar('2022')
  it('scales a window to the requested total, minute by minute, deterministically', () => {
    const opts = { calendar: cal, from: at('2022-11-10T23:00'), to: at('2022-11-11T02:00'), total: 100_000 }
    const a = expectedCounts(opts)
    expect(a.counts).toHaveLength(180)
    expect(a.counts.reduce((s, v) => s + v, 0)).toBeCloseTo(100_000, 3)
    expect(expectedCounts(opts)).toEqual(a)
    expect(a.counts[60]).toBe(Math.max(...a.counts))
  })

  it('gives consultations a flatter curve than orders', () => {
    const o = new Curve(cal, 'orders')
    const c = new Curve(cal, 'consultations')
    const t0 = at('2022-11-11T00:00')
    const ratio = (cv: Curve) => cv.minute(t0) / cv.minute(at('2022-11-08T12:00'))
    expect(ratio(c)).toBeLessThan(ratio(o))
  })

  it('rejects an empty window naming the field (CAL-3)', () => {
    expect(() => expectedCounts({ calendar: cal, from: 10, to: 10 })).toThrow(/CAL-3.*"to"/)
  })
})

describe('MinuteCdf', () => {
  it('inverse is non-decreasing, inside the window, and undoes cdf (property)', () => {
    const cdf = worldCdf(getCalendar('2022'))
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a]
          const ta = cdf.inverse(lo)
          const tb = cdf.inverse(hi)
          expect(ta).toBeLessThanOrEqual(tb)
          expect(ta).toBeGreaterThanOrEqual(cdf.from)
          expect(tb).toBeLessThan(cdf.to)
          expect(cdf.cdf(ta)).toBeCloseTo(lo, 4)
        },
      ),
    )
  })

  it('answers the same whatever was asked before (the last-minute shortcut; empty minutes too)', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom(0, 0, 1, 2.5, 7), { minLength: 2, maxLength: 40 })
          .filter((w) => w.some((x) => x > 0)),
        fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 1, maxLength: 30 }),
        (weights, us) => {
          const warm = new MinuteCdf(0, weights)
          for (const u of us) expect(warm.inverse(u)).toBe(new MinuteCdf(0, weights).inverse(u))
        },
      ),
    )
  })

  it('refuses a window without weight', () => {
    expect(() => new MinuteCdf(0, [0, 0])).toThrow(CurveError)
  })
})

describe('parameters', () => {
  it('normalizes the diurnal profile to mean 1', () => {
    const d = defaultCurveParams().diurnal
    expect(d.reduce((a, b) => a + b, 0) / 24).toBeCloseTo(1, 9)
  })

  it('names the bad field', () => {
    const bad = structuredClone(defaultCurveParams()) as unknown as {
      streams: { orders: { phases: { spot: unknown } } }
    }
    bad.streams.orders.phases.spot = 'high'
    expect(() => validateCurveParams(bad)).toThrow(/CAL-3.*streams\.orders\.phases\.spot/)
  })

  it('covers the whole campaign in the world window', () => {
    const cal = getCalendar('2020')
    const { from, to } = worldWindow(cal)
    expect(from).toBeLessThan(cal.waves[0].presale.opens)
    expect(to).toBeGreaterThanOrEqual(cal.waves[1].spot.closes)
    expect((to - from) % DAY_MS).toBe(0)
  })
})
