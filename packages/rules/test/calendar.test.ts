import { resolve } from 'node:path'
import { simTime, toShanghaiIso } from '@d11/time/shanghai'
import { describe, expect, it } from 'vitest'
import {
  CALENDAR_IDS,
  getCalendar,
  isCalendarId,
  listCalendars,
  loadCalendarFile,
  paymentWave,
  phaseAt,
} from '../src/calendar.ts'
import { rulesetAt } from '../src/ruleset.ts'

const fixture = (name: string) => resolve(import.meta.dirname, 'fixtures', name)

describe('CAL-2 calendars are data', () => {
  it('ships 2020, 2022 and 2024, the ids CALENDAR_IDS names', () => {
    expect(listCalendars()).toEqual([...CALENDAR_IDS])
    for (const id of CALENDAR_IDS) expect(getCalendar(id).id).toBe(id)
    expect(isCalendarId('2024')).toBe(true)
    expect(isCalendarId('2023')).toBe(false)
  })

  it('2024 (where the 002 rules apply): wave 2 peaks Nov 11 00:00; every date no source gives is a flagged default', () => {
    const c = getCalendar('2024')
    expect(c.waves[1].spot.opens).toBe(simTime('2024-11-11T00:00:00+08:00'))
    expect(c.waves[0].spot.opens).toBe(simTime('2024-11-01T00:00:00+08:00'))
    // no source gives a 2024 date: all are defaults
    for (const f of [
      'registration.opens',
      'waves[0].presale.opens',
      'waves[1].spot.opens',
      'noAutoCompensationWindow',
    ]) {
      expect(c.defaults).toContain(f)
    }
    expect(rulesetAt(c.waves[1].spot.opens).version).toBe('2024-05-20')
    expect(rulesetAt(getCalendar('2020').waves[1].spot.opens).version).toBe('2009-11-11')
    expect(rulesetAt(getCalendar('2022').waves[1].spot.opens).version).toBe('2022-04-15')
  })

  it('SHIP-1: paymentWave reads the wave of a payment from the calendar (2020: wave 1 = Nov 1-3)', () => {
    const c = getCalendar('2020')
    expect(paymentWave(c, simTime('2020-10-31T23:59:59.999+08:00'))).toBe(0)
    expect(paymentWave(c, simTime('2020-11-01T00:00:00+08:00'))).toBe(1)
    expect(paymentWave(c, simTime('2020-11-03T23:59:59.999+08:00'))).toBe(1)
    expect(paymentWave(c, simTime('2020-11-04T00:00:00+08:00'))).toBe(0)
    expect(paymentWave(c, simTime('2020-11-11T00:00:00+08:00'))).toBe(2)
    expect(paymentWave(c, simTime('2020-11-12T00:00:00+08:00'))).toBe(0)
    // 2022: wave 1's final payment opens Oct 31 20:00, before its spot phase
    expect(paymentWave(getCalendar('2022'), simTime('2022-10-31T20:00:00+08:00'))).toBe(1)
  })

  it('2020 follows source 000: registration Sep 17-24, wave 1 spot Nov 1-3, wave 2 Nov 11, window Oct 29-Nov 18', () => {
    const c = getCalendar('2020')
    expect(c.timezone).toBe('Asia/Shanghai')
    expect(toShanghaiIso(c.registration.opens)).toBe('2020-09-17T00:00:00.000+08:00')
    expect(toShanghaiIso(c.registration.closes)).toBe('2020-09-25T00:00:00.000+08:00')
    expect(toShanghaiIso(c.waves[0].spot.opens)).toBe('2020-11-01T00:00:00.000+08:00')
    expect(toShanghaiIso(c.waves[0].spot.closes)).toBe('2020-11-04T00:00:00.000+08:00')
    expect(toShanghaiIso(c.waves[1].spot.opens)).toBe('2020-11-11T00:00:00.000+08:00')
    expect(c.noAutoCompensationWindow).toEqual({
      from: simTime('2020-10-29T00:00:00+08:00'),
      to: simTime('2020-11-19T00:00:00+08:00'),
    })
    expect(c.defaults).toContain('registration.nodes.wave1Presale')
    expect(c.defaults).not.toContain('waves[0].spot.opens')
  })

  it('2022 follows source 003: presale opens Oct 24 20:00, final payment Oct 31, wave 2 peaks Nov 11 00:00', () => {
    const c = getCalendar('2022')
    expect(c.waves[0].presale.opens).toBe(simTime('2022-10-24T20:00:00+08:00'))
    expect(toShanghaiIso(c.waves[0].presale.finalPaymentOpens).slice(0, 10)).toBe('2022-10-31')
    expect(c.waves[1].spot.opens).toBe(simTime('2022-11-11T00:00:00+08:00'))
    expect(c.defaults).toContain('noAutoCompensationWindow')
    expect(c.defaults).not.toContain('waves[0].presale.opens')
  })

  it('rejects an unknown calendar id naming CAL-2', () => {
    expect(() => getCalendar('1999')).toThrow(/unknown calendar "1999".*CAL-2/)
  })

  it('rejects an unparseable date naming file, field and rule', () => {
    expect(() => loadCalendarFile(fixture('calendar-bad-date.yaml'))).toThrow(
      'test/fixtures/calendar-bad-date.yaml: waves[0].spot.opens: unparseable date "2020-11-31T00:00:00+08:00"',
    )
    expect(() => loadCalendarFile(fixture('calendar-bad-date.yaml'))).toThrow(/\(CAL-1\)$/)
  })

  it('rejects a date without an explicit offset (would depend on the host zone)', () => {
    expect(() => loadCalendarFile(fixture('calendar-no-offset.yaml'))).toThrow(
      /calendar-no-offset\.yaml: registration\.opens: unparseable date .*\(REG-1\)/,
    )
  })

  it('rejects an inverted window', () => {
    expect(() => loadCalendarFile(fixture('calendar-inverted.yaml'))).toThrow(
      /calendar-inverted\.yaml: noAutoCompensationWindow: from must be before to \(PAY-2\)/,
    )
  })
})

describe('CAL-1 two waves', () => {
  it('each wave has presale then spot, and launch moments are sorted', () => {
    for (const id of listCalendars()) {
      const c = getCalendar(id)
      expect(c.waves).toHaveLength(2)
      for (const w of c.waves) {
        expect(w.presale.opens).toBeLessThan(w.presale.finalPaymentOpens)
        expect(w.presale.finalPaymentOpens).toBeLessThan(w.presale.finalPaymentCloses)
      }
      const ats = c.launchMoments.map((m) => m.at)
      expect(ats).toEqual([...ats].sort((a, b) => a - b))
      expect(c.launchMoments.filter((m) => m.kind === 'spot-open').map((m) => m.wave)).toEqual([1, 2])
    }
  })

  it('phaseAt places instants in waves and phases', () => {
    const c = getCalendar('2020')
    expect(phaseAt(c, simTime('2020-11-02T10:00:00+08:00'))).toEqual({ wave: 1, phase: 'spot' })
    expect(phaseAt(c, simTime('2020-11-11T00:00:00+08:00'))).toEqual({ wave: 2, phase: 'spot' })
    expect(phaseAt(c, simTime('2020-11-12T00:00:00+08:00'))).toBeUndefined()
    expect(phaseAt(c, simTime('2020-10-22T00:00:00+08:00'))).toEqual({ wave: 1, phase: 'presale' })
  })
})
