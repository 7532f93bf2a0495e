import { lateShipmentCompensation } from '@d11/rules/compensation'
import { rulesetAt } from '@d11/rules/ruleset'
import { describe, expect, it } from 'vitest'
import {
  DEADLINE_LATE_PAID,
  DEADLINE_OVERSELL_PAID,
  DEADLINE_WITHHELD,
  DELAY_REPORT_ACCEPTED,
  DELAY_REPORT_REFUSED,
  deadlinePassed,
  delayReport,
  negotiatedDeadline,
  pickupDeadline,
  traceDue,
  traceUpdate,
} from '../src/deadline.ts'
import { newDecision } from '../src/decision.ts'
import { at, rules2020, rules2024, twoVersions } from './helpers.ts'

const HOUR = 3_600_000
const phone = { paidFen: 599_900, presale: false, neverShips: false }

describe('deadlinePassed (SHIP-1 passed: PAY-1/2/3/4)', () => {
  it('inside the 2020 no-auto-compensation window the payout is withheld under PAY-2', () => {
    const d = deadlinePassed(phone, at('2020-11-13T00:00:00+08:00'), rules2020, newDecision())
    expect(d).toMatchObject({ ok: false, code: DEADLINE_WITHHELD, ruleId: 'PAY-2', amountFen: 50_000 })
  })
  it('outside the window a late order is paid at once: 30 % clamped to 500 yuan (PAY-1)', () => {
    const d = deadlinePassed(phone, at('2020-11-25T00:00:00+08:00'), rules2020, newDecision())
    expect(d).toMatchObject({ ok: true, code: DEADLINE_LATE_PAID, ruleId: 'PAY-1', amountFen: 50_000 })
    const cheap = deadlinePassed(
      { ...phone, paidFen: 10_000 },
      at('2020-11-25T00:00:00+08:00'),
      rules2020,
      newDecision(),
    )
    expect(cheap.amountFen).toBe(3_000)
  })
  it('an order that can never ship is PAY-3, not PAY-1', () => {
    const d = deadlinePassed(
      { ...phone, neverShips: true },
      at('2020-11-25T00:00:00+08:00'),
      rules2020,
      newDecision(),
    )
    expect(d).toMatchObject({ ok: true, code: DEADLINE_OVERSELL_PAID, ruleId: 'PAY-3' })
  })
  it('a presale order: PAY-1 in 2020 (no PAY-4 yet), PAY-4 × 1.5 in 2024', () => {
    const t = at('2020-11-25T00:00:00+08:00')
    const d = deadlinePassed({ ...phone, paidFen: 10_000, presale: true }, t, rules2020, newDecision())
    expect(d).toMatchObject({ ruleId: 'PAY-1', amountFen: 3_000 })
    const t24 = at('2024-11-25T00:00:00+08:00')
    const d24 = deadlinePassed({ ...phone, paidFen: 10_000, presale: true }, t24, rules2024, newDecision())
    const want = lateShipmentCompensation({ paidFen: 10_000, presale: true }, rulesetAt(t24))
    expect(d24).toMatchObject({ ruleId: 'PAY-4', amountFen: want.amountFen })
    expect(want.amountFen).toBe(4_500)
  })
  it('uses the ruleset in force at the deadline, not one fixed earlier', () => {
    const switchAt = at('2020-11-20T00:00:00+08:00')
    const rules = twoVersions(switchAt, 20_000)
    const before = deadlinePassed(phone, switchAt - 1, { ...rules }, newDecision())
    const after = deadlinePassed(phone, switchAt + 6 * HOUR, rules, newDecision())
    expect(before.amountFen).toBe(50_000) // withheld inside the window, old cap
    expect(after.amountFen).toBe(20_000)
  })
  it('writes into the caller-owned object', () => {
    const out = newDecision()
    const d = deadlinePassed(phone, at('2020-11-25T00:00:00+08:00'), rules2020, out)
    expect(d).toBe(out)
  })
})

describe('ship deadlines (SHIP-1, SHIP-3)', () => {
  it('an order paid Nov 2 (wave 1) must be picked up within 48 h', () => {
    const paid = at('2020-11-02T10:00:00+08:00')
    expect(pickupDeadline(paid, paid, 0, rules2020).deadline).toBe(paid + 48 * HOUR)
  })
  it('a presale ship time overrides, counted from the order (001)', () => {
    const ordered = at('2020-10-25T13:00:00+08:00')
    const paid = at('2020-11-11T00:10:00+08:00')
    expect(pickupDeadline(paid, ordered, 72, rules2020)).toEqual({
      deadline: ordered + 72 * HOUR,
      ruleId: 'SHIP-1',
    })
  })
  it('a negotiated ship time replaces the deadline (SHIP-3)', () => {
    const paid = at('2020-11-11T00:10:00+08:00')
    const agreed = paid + 100 * HOUR
    expect(negotiatedDeadline(paid, agreed, paid + HOUR, rules2020)).toEqual({
      deadline: agreed,
      ruleId: 'SHIP-3',
    })
  })
})

describe('traceUpdate (SHIP-2)', () => {
  it('a first trace update is in time up to 24 h after pickup, deadline inclusive', () => {
    const pickedUpAt = at('2020-11-12T10:00:00+08:00')
    const due = traceDue(pickedUpAt, rules2020)
    expect(due).toBe(pickedUpAt + 24 * HOUR)
    expect(traceUpdate(pickedUpAt, due, rules2020)).toEqual({ onTime: true, deadline: due })
    expect(traceUpdate(pickedUpAt, due + 1, rules2020)).toEqual({ onTime: false, deadline: due })
  })
})

describe('delayReport (SHIP-4)', () => {
  it('is refused inside the no-auto-compensation window and accepted after it', () => {
    expect(delayReport(at('2020-11-11T09:00:00+08:00'), rules2020, newDecision())).toMatchObject({
      ok: false,
      code: DELAY_REPORT_REFUSED,
      ruleId: 'SHIP-4',
    })
    expect(delayReport(at('2020-11-19T00:00:00+08:00'), rules2020, newDecision()).code).toBe(
      DELAY_REPORT_ACCEPTED,
    )
  })
})
