import { getRuleset } from '@d11/rules/ruleset'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  COMPLAINT_REJECTED,
  COMPLAINT_UPHELD,
  COMPLAINT_UPHELD_PAID,
  complaintDeadline,
  complaintEventRule,
  complaintFounded,
  complaintOutcome,
  MASS_DELAY_NONE,
  MASS_DELAY_REMOVAL,
  MASS_DELAY_WARNING,
  massDelayLevel,
  merchantLiable,
} from '../src/complaint.ts'
import { newDecision } from '../src/decision.ts'
import { at, rules2020, rules2024 } from './helpers.ts'

const HOUR = 3_600_000
const inWindow = at('2020-11-14T00:00:00+08:00')
const base = {
  reason: 'late_shipment' as const,
  filedAt: inWindow - 49 * HOUR,
  handledInTime: false,
  merchantAccepts: false,
  founded: true,
  neverShips: false,
  alreadyCompensated: false,
  paidFen: 599_900,
  presale: false,
}

describe('complaintOutcome (PAY-5, PAY-2)', () => {
  it('divergence 4: an escalated complaint is upheld only if founded', () => {
    expect(complaintOutcome({ ...base, founded: false }, inWindow, rules2020, newDecision())).toMatchObject({
      ok: false,
      code: COMPLAINT_REJECTED,
      ruleId: 'PAY-5',
      amountFen: 0,
    })
    expect(complaintOutcome(base, inWindow, rules2020, newDecision())).toMatchObject({
      ok: true,
      code: COMPLAINT_UPHELD_PAID,
      ruleId: 'PAY-1',
      amountFen: 50_000,
    })
  })
  it('divergence 1: an upheld complaint on an oversold order that never ships is PAY-3', () => {
    const d = complaintOutcome({ ...base, neverShips: true }, inWindow, rules2020, newDecision())
    expect(d).toMatchObject({ code: COMPLAINT_UPHELD_PAID, ruleId: 'PAY-3', amountFen: 50_000 })
  })
  it('a merchant who accepts in time upholds even an unfounded complaint', () => {
    const d = complaintOutcome(
      { ...base, handledInTime: true, merchantAccepts: true, founded: false },
      inWindow,
      rules2020,
      newDecision(),
    )
    expect(d.code).toBe(COMPLAINT_UPHELD_PAID)
  })
  it('a merchant who disputes in time a founded complaint still pays', () => {
    const d = complaintOutcome({ ...base, handledInTime: true }, inWindow, rules2020, newDecision())
    expect(d.code).toBe(COMPLAINT_UPHELD_PAID)
  })
  it('nothing is paid twice, and other complaints carry no payout', () => {
    expect(
      complaintOutcome({ ...base, alreadyCompensated: true }, inWindow, rules2020, newDecision()).code,
    ).toBe(COMPLAINT_UPHELD)
    expect(complaintOutcome({ ...base, reason: 'other' }, inWindow, rules2020, newDecision())).toMatchObject({
      code: COMPLAINT_UPHELD,
      amountFen: 0,
    })
  })
  it('property: an escalated unfounded complaint never pays; a payout never exceeds the presale-scaled cap', () => {
    // 2020: no PAY-4, so the PAY-1/3 cap itself
    const cap = getRuleset('2009-11-11').compensation.lateShipment.maxFen
    fc.assert(
      fc.property(
        fc.record({
          handledInTime: fc.boolean(),
          merchantAccepts: fc.boolean(),
          founded: fc.boolean(),
          neverShips: fc.boolean(),
          alreadyCompensated: fc.boolean(),
          paidFen: fc.integer({ min: 0, max: 10_000_000 }),
          presale: fc.boolean(),
        }),
        (x) => {
          const d = complaintOutcome(
            { ...x, reason: 'late_shipment', filedAt: inWindow - 49 * HOUR },
            inWindow,
            rules2020,
            newDecision(),
          )
          if (!x.handledInTime && !x.founded) expect(d.code).toBe(COMPLAINT_REJECTED)
          expect(d.amountFen).toBeLessThanOrEqual(cap)
          expect(d.amountFen > 0).toBe(d.code === COMPLAINT_UPHELD_PAID)
        },
      ),
    )
  })
})

describe('complaint facts and deadlines', () => {
  it('a late-shipment complaint is founded only when the order missed its deadline', () => {
    expect(complaintFounded({ reason: 'late_shipment', late: false, unshippedPastDeadline: false })).toBe(
      false,
    )
    expect(complaintFounded({ reason: 'late_shipment', late: true, unshippedPastDeadline: false })).toBe(true)
    expect(complaintFounded({ reason: 'late_shipment', late: false, unshippedPastDeadline: true })).toBe(true)
  })
  it('PAY-5: the platform intervenes 48 h after filing', () => {
    expect(complaintDeadline(inWindow, rules2020)).toBe(inWindow + 48 * HOUR)
  })
  it('the decision event names PAY-2 inside the window, PAY-5 outside', () => {
    expect(complaintEventRule(inWindow, rules2020)).toBe('PAY-2')
    expect(complaintEventRule(at('2020-11-30T00:00:00+08:00'), rules2020)).toBe('PAY-5')
  })
})

describe('massDelayLevel (PAY-6, 002: 2024 only)', () => {
  const t = at('2024-11-14T00:00:00+08:00')
  it('not in force in 2020: no warning whatever the delays', () => {
    expect(massDelayLevel(20, 20, 50, at('2020-11-14T00:00:00+08:00'), rules2020)).toBe(MASS_DELAY_NONE)
  })
  it('delay rate: warning from 5 %, removal from 15 % once 20 orders are judged', () => {
    expect(massDelayLevel(19, 19, 0, t, rules2024)).toBe(MASS_DELAY_NONE)
    expect(massDelayLevel(20, 1, 0, t, rules2024)).toBe(MASS_DELAY_WARNING)
    expect(massDelayLevel(20, 3, 0, t, rules2024)).toBe(MASS_DELAY_REMOVAL)
  })
  it('divergence 2: poor service = complaints that are the merchant liability (escalated and upheld)', () => {
    expect(merchantLiable(false, true)).toBe(true)
    expect(merchantLiable(true, true)).toBe(false)
    expect(merchantLiable(false, false)).toBe(false)
    expect(massDelayLevel(0, 0, 9, t, rules2024)).toBe(MASS_DELAY_NONE)
    expect(massDelayLevel(0, 0, 10, t, rules2024)).toBe(MASS_DELAY_WARNING)
    expect(massDelayLevel(0, 0, 30, t, rules2024)).toBe(MASS_DELAY_REMOVAL)
  })
})
