import type { Calendar } from '@d11/rules/calendar'
import { type Ruleset, rulesetAt } from '@d11/rules/ruleset'

/**
 * What a decision is judged against: the campaign calendar and the ruleset versions (the shipped
 * ones unless a run overrides them). The version is chosen per action with {@link rulesAt}, never
 * fixed at a window's start.
 */
export interface FlowRules {
  calendar: Calendar
  /** Ruleset versions, oldest first; `undefined` = the shipped versions (`listRulesets()`). */
  versions?: Ruleset[]
}

/** The ruleset version in force at the simulated instant `at` (`@d11/rules` rulesetAt). */
export function rulesAt(at: number, rules: FlowRules): Ruleset {
  return rulesetAt(at, rules.versions)
}
