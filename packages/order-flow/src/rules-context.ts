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

/** The last version answered per rules object: runs ask for the same version millions of times in a row. */
const lastAnswer = new WeakMap<FlowRules, Ruleset>()

/**
 * The ruleset version in force at the simulated instant `at` (`@d11/rules` rulesetAt); the last
 * answer is reused while `at` stays inside its `[effectiveFrom, effectiveTo)`.
 */
export function rulesAt(at: number, rules: FlowRules): Ruleset {
  // only the shipped versions are known to carry consistent [effectiveFrom, effectiveTo) ranges
  if (rules.versions) return rulesetAt(at, rules.versions)
  const last = lastAnswer.get(rules)
  if (last && at >= last.effectiveFrom && at < last.effectiveTo) return last
  const rs = rulesetAt(at)
  lastAnswer.set(rules, rs)
  return rs
}
