import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  DAY_MS,
  HOUR_MS,
  parseIsoWithOffset,
  parseShanghaiTime,
  SHANGHAI_OFFSET_MS,
  shanghaiDay,
  shanghaiDayStart,
  shanghaiHour,
  shanghaiTimeOfDay,
  simTime,
  toShanghaiIso,
  toShanghaiIsoSeconds,
} from '../src/shanghai.ts'

// 1990..2100: the range simulated campaigns live in
const instant = fc.integer({ min: 631_152_000_000, max: 4_102_444_800_000 })

describe('Asia/Shanghai formatting', () => {
  it('toShanghaiIso is the UTC+8 wall time with +08:00, whatever the host zone (fast-check)', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        const utcPlus8 = new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 23)
        expect(toShanghaiIso(ms)).toBe(`${utcPlus8}+08:00`)
        expect(toShanghaiIsoSeconds(ms)).toBe(`${utcPlus8.slice(0, 19)}+08:00`)
        expect(shanghaiDay(ms)).toBe(utcPlus8.slice(0, 10))
      }),
    )
  })

  it('formats the Nov 11 midnight and the instant before it', () => {
    const midnight = Date.UTC(2022, 10, 10, 16)
    expect(toShanghaiIso(midnight)).toBe('2022-11-11T00:00:00.000+08:00')
    expect(toShanghaiIso(midnight - 1)).toBe('2022-11-10T23:59:59.999+08:00')
    expect(toShanghaiIsoSeconds(midnight + 1500)).toBe('2022-11-11T00:00:01+08:00')
  })

  it('parses back what it formats (fast-check)', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        expect(parseIsoWithOffset(toShanghaiIso(ms))).toBe(ms)
        expect(parseShanghaiTime(toShanghaiIso(ms))).toBe(ms)
      }),
    )
  })
})

describe('Asia/Shanghai days', () => {
  it('day start, time of day and hour agree with each other (fast-check)', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        const start = shanghaiDayStart(ms)
        expect(start + shanghaiTimeOfDay(ms)).toBe(ms)
        expect(shanghaiTimeOfDay(ms)).toBeGreaterThanOrEqual(0)
        expect(shanghaiTimeOfDay(ms)).toBeLessThan(DAY_MS)
        expect(toShanghaiIso(start).slice(10)).toBe('T00:00:00.000+08:00')
        expect(shanghaiDay(start)).toBe(shanghaiDay(ms))
        expect(shanghaiHour(ms)).toBeCloseTo(shanghaiTimeOfDay(ms) / HOUR_MS, 12)
      }),
    )
  })

  it('16:00 UTC is the next Shanghai day', () => {
    const t = Date.UTC(2020, 10, 10, 16, 0, 0)
    expect(shanghaiDay(t)).toBe('2020-11-11')
    expect(shanghaiDay(t - 1)).toBe('2020-11-10')
    expect(shanghaiHour(t + 90 * 60_000)).toBe(1.5)
  })
})

describe('parsing', () => {
  it('an ISO instant needs its offset and a real date', () => {
    expect(parseIsoWithOffset('2022-10-24T20:00:00+08:00')).toBe(Date.UTC(2022, 9, 24, 12))
    expect(parseIsoWithOffset('2022-10-24T20:00Z')).toBe(Date.UTC(2022, 9, 24, 20))
    expect(parseIsoWithOffset('2022-10-24T20:00:00')).toBeUndefined()
    expect(parseIsoWithOffset('2022-02-30T00:00:00+08:00')).toBeUndefined()
    expect(parseIsoWithOffset('2022-10-24T24:30:00+08:00')).toBeUndefined()
    expect(() => simTime('2022-10-24')).toThrow(/"2022-10-24"/)
  })

  it('a planner time without offset is Asia/Shanghai', () => {
    expect(parseShanghaiTime('2022-11-10T23:50')).toBe(Date.UTC(2022, 10, 10, 15, 50))
    expect(parseShanghaiTime('2022-11-11')).toBe(Date.UTC(2022, 10, 10, 16))
    expect(parseShanghaiTime('2022-11-11T00:00:00-05:00')).toBe(Date.UTC(2022, 10, 11, 5))
    expect(parseShanghaiTime('2022-11-31')).toBeUndefined()
    expect(parseShanghaiTime('tomorrow')).toBeUndefined()
  })
})
