import { getCalendar } from '@d11/rules/calendar'
import { listRulesets, type Ruleset } from '@d11/rules/ruleset'
import { simTime } from '@d11/time/shanghai'
import type { FlowRules } from '../src/rules-context.ts'

export const at = (iso: string): number => simTime(iso)

/** The 2020 calendar with the shipped ruleset versions. */
export const rules2020: FlowRules = { calendar: getCalendar('2020') }
/** The 2024 calendar: the 002 rules (PAY-4, PAY-6, PAY-7, PAY-8, EXP-3, REG-3's score gate) in force. */
export const rules2024: FlowRules = { calendar: getCalendar('2024') }

/**
 * Two synthetic versions of the newest shipped ruleset: the second, from `switchAt`, caps PAY-1 at
 * `cap2Fen`. A decision taken after `switchAt` must use it, one taken before must not.
 */
export function twoVersions(switchAt: number, cap2Fen: number): FlowRules {
  const base = listRulesets().at(-1)!
  const first: Ruleset = { ...base, effectiveFrom: 0, effectiveTo: switchAt }
  const second: Ruleset = {
    ...base,
    effectiveFrom: switchAt,
    effectiveTo: Number.POSITIVE_INFINITY,
    compensation: {
      ...base.compensation,
      lateShipment: { ...base.compensation.lateShipment, maxFen: cap2Fen },
    },
  }
  return { calendar: getCalendar('2020'), versions: [first, second] }
}
