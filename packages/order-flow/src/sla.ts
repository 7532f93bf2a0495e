import { type ExperienceMetrics, experienceScore } from '@d11/rules/experience'
import type { Ruleset } from '@d11/rules/ruleset'
import { DAY_MS } from '@d11/time/shanghai'
import { type FlowRules, rulesAt } from './rules-context.ts'

/**
 * EXP-1/2/3: the window the service figures are judged over and their thresholds, from the
 * ruleset in force at `at`: EXP-1 over the `windowDays` natural days ending with the day of `at`,
 * EXP-2 over the `windowDays × 24 h` before `at`.
 */
export function slaFigures(at: number, rules: FlowRules) {
  const rs: Ruleset = rulesAt(at, rules)
  const windowDays = rs.experience.windowDays
  return {
    windowDays,
    /** start of EXP-2's sliding window (exclusive) */
    windowStart: at - windowDays * DAY_MS,
    /** an instant inside the first natural day of EXP-1's window */
    firstDayAt: at - (windowDays - 1) * DAY_MS,
    replyRate: rs.experience.replyRate.minRateBp / 10_000,
    manualResponseSec: rs.experience.manualResponse.maxSeconds,
    /** REG-3/EXP-3 admission minimum; null where 002's score gate is not in force */
    experienceScore: rs.registration.eligibility.minExperienceScore ?? null,
  }
}

/** EXP-3 (002, 2024): the composite score at `at`, rounded to 0.01; null where EXP-3 is not in force. */
export function experienceScoreAt(metrics: ExperienceMetrics, at: number, rules: FlowRules): number | null {
  const score = experienceScore(metrics, rulesAt(at, rules)).score
  return score === undefined ? null : Math.round(score * 100) / 100
}
