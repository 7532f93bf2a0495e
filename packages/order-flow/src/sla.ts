import {
  type ExperienceMetrics,
  experienceScore,
  experienceScoreVerdict,
  manualResponseVerdict,
  type ReplyBy,
  replyCounts,
  replyRateVerdict,
} from '@d11/rules/experience'
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

/** The platform's reply modes; `auto-reply` is the rules' `auto` (auto-reply, 千牛 assistant). */
export type ReplyMode = 'bot' | 'bot-assisted' | 'human' | 'auto-reply'

/** EXP-1 / EXP-2: does a reply in `mode` answer the buyer, and is it a timed manual turn? */
export function replyKind(mode: ReplyMode): { effective: boolean; manual: boolean } {
  const by: ReplyBy = mode === 'auto-reply' ? 'auto' : mode
  return replyCounts(by)
}

/** A merchant's service figures over the SLA window, as an engine keeps them. */
export interface SlaCounts {
  /** EXP-1: (buyer, day) pairs consulted in the window, and those answered effectively the same day */
  consulted: number
  answered: number
  /** EXP-2: manual turns in the window and the sum of their response times, ms */
  manualTurns: number
  manualResponseMsSum: number
}

export interface SlaJudgement {
  ok: boolean
  value: number
  threshold: number
}

/**
 * EXP-1/2/3 at `at`, with the ruleset in force then: the reply rate, the manual response time (s)
 * and the composite score (rounded to 0.01; `null` where EXP-3 is not in force), each judged by its
 * `@d11/rules` verdict against the ruleset's threshold.
 */
export function slaJudgements(
  counts: SlaCounts,
  metrics: ExperienceMetrics,
  at: number,
  rules: FlowRules,
): { replyRate: SlaJudgement; manualResponse: SlaJudgement; experienceScore: SlaJudgement | null } {
  const rs = rulesAt(at, rules)
  const reply = replyRateVerdict({ consulted: counts.consulted, answered: counts.answered }, rs)
  const averageMs = counts.manualTurns ? counts.manualResponseMsSum / counts.manualTurns : undefined
  const manual = manualResponseVerdict({ turns: counts.manualTurns, averageMs }, rs)
  const score = experienceScoreVerdict(metrics, rs)
  return {
    replyRate: { ok: reply.ok, value: reply.value, threshold: reply.threshold },
    manualResponse: { ok: manual.ok, value: manual.value, threshold: manual.threshold },
    experienceScore:
      score.inForce && score.value !== undefined && score.threshold !== undefined
        ? { ok: score.ok, value: Math.round(score.value * 100) / 100, threshold: score.threshold }
        : null,
  }
}
