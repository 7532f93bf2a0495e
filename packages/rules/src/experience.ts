import { type Calendar, inLaunchBurst } from './calendar.ts'
import type { Ruleset } from './ruleset.ts'
import { notInForce, type Verdict, verdict } from './verdict.ts'

/**
 * Who produced a reply. EXP-1: `bot` (店小蜜 reception), `human` and `bot-assisted` (human reply
 * drafted with the bot) count as effective replies; `auto` (auto-reply, 千牛 assistant) does not.
 * EXP-2: `human` and `bot-assisted` are manual turns.
 */
export type ReplyBy = 'human' | 'bot' | 'bot-assisted' | 'auto'

const EFFECTIVE: ReadonlySet<ReplyBy> = new Set(['human', 'bot', 'bot-assisted'])
const MANUAL: ReadonlySet<ReplyBy> = new Set(['human', 'bot-assisted'])

/**
 * EXP-1 against the ruleset's `experience.replyRate.minRateBp`, on the window's counts of
 * (buyer, Asia/Shanghai natural day) pairs consulted and answered, kept as they come by an
 * engine. `ok` = at or above it; `value` is 1 when nobody consulted.
 */
export function replyRateVerdict(
  figures: { consulted: number; answered: number },
  rs: Pick<Ruleset, 'experience'>,
): Verdict & { value: number; threshold: number; consulted: number; answered: number } {
  const { consulted, answered } = figures
  const threshold = rs.experience.replyRate.minRateBp / 10000
  const ok = answered * 10000 >= rs.experience.replyRate.minRateBp * consulted
  return verdict(ok, 'EXP-1', `reply rate ${answered}/${consulted} vs minimum ${threshold}`, {
    value: consulted === 0 ? 1 : answered / consulted,
    threshold,
    consulted,
    answered,
  })
}

/**
 * EXP-1 / EXP-2: whether a reply by `by` answers the buyer (`effective`, EXP-1) and whether it is
 * a timed manual turn (`manual`, EXP-2).
 */
export function replyCounts(by: ReplyBy): { effective: boolean; manual: boolean } {
  return { effective: EFFECTIVE.has(by), manual: MANUAL.has(by) }
}

export interface Turn {
  askedAt: number
  repliedAt: number
  by: ReplyBy
}

/**
 * EXP-2 against `experience.manualResponse.maxSeconds`, on the window's figures (manual turns and
 * their mean response time, kept as they come by an engine). `ok` = at or below it (or no
 * manual turns; `value` is then 0).
 */
export function manualResponseVerdict(
  figures: { turns: number; averageMs: number | undefined },
  rs: Pick<Ruleset, 'experience'>,
): Verdict & { value: number; threshold: number } {
  const threshold = rs.experience.manualResponse.maxSeconds
  const value = (figures.averageMs ?? 0) / 1000
  const ok = value <= threshold
  return verdict(
    ok,
    'EXP-2',
    `manual response ${value.toFixed(1)} s over ${figures.turns} turns vs maximum ${threshold} s`,
    { value, threshold },
  )
}

export type ExperienceMetrics = Partial<Record<string, number>>

/**
 * EXP-3 (002, 2024): composite experience score. Each weighted metric (`experience.score.weights`
 * over `experience.metrics`) maps linearly from `worst` (0) to `best` (1), clamped; the score is
 * `scale` × the weighted mean over the metrics given. Metrics not given are left out of the mean and
 * listed in `missing`. Group scores use the same scale. Without EXP-3 in the ruleset there is no
 * score: `inForce: false`, `score` and the groups `undefined`.
 */
export function experienceScore(
  metrics: ExperienceMetrics,
  rs: Pick<Ruleset, 'experience'>,
): {
  inForce: boolean
  score: number | undefined
  groups: Record<'product' | 'logistics' | 'service', number | undefined>
  missing: string[]
} {
  const cfg = rs.experience.score
  if (!cfg) {
    return {
      inForce: false,
      score: undefined,
      groups: { product: undefined, logistics: undefined, service: undefined },
      missing: [],
    }
  }
  const acc = { product: [0, 0], logistics: [0, 0], service: [0, 0] } as Record<string, [number, number]>
  let wsum = 0
  let ssum = 0
  const missing: string[] = []
  for (const [name, weight] of Object.entries(cfg.weights)) {
    const m = rs.experience.metrics[name]!
    const v = metrics[name]
    if (v === undefined || !Number.isFinite(v)) {
      missing.push(name)
      continue
    }
    const s = m.best === m.worst ? 1 : Math.min(1, Math.max(0, (v - m.worst) / (m.best - m.worst)))
    wsum += weight
    ssum += weight * s
    const g = acc[m.group]!
    g[0] += weight
    g[1] += weight * s
  }
  const group = (g: string) => {
    const [w, s] = acc[g]!
    return w > 0 ? (cfg.scale * s) / w : undefined
  }
  return {
    inForce: true,
    score: wsum > 0 ? (cfg.scale * ssum) / wsum : 0,
    groups: { product: group('product'), logistics: group('logistics'), service: group('service') },
    missing,
  }
}

/**
 * EXP-3 against the admission minimum `registration.eligibility.minExperienceScore` (002, 2024).
 * `ok` = at or above it with every metric given; without the rule, `ok` and `inForce: false`.
 */
export function experienceScoreVerdict(
  metrics: ExperienceMetrics,
  rs: Pick<Ruleset, 'experience' | 'registration' | 'version'>,
): Verdict & { value: number | undefined; threshold: number | undefined; inForce: boolean } {
  const r = experienceScore(metrics, rs)
  const threshold = rs.registration.eligibility.minExperienceScore
  if (r.score === undefined || threshold === undefined) {
    return notInForce('EXP-3', rs, 'no composite experience score', { value: r.score, threshold })
  }
  const ok = r.score >= threshold && r.missing.length === 0
  const why = r.missing.length > 0 ? `; missing ${r.missing.join(', ')}` : ''
  return verdict(ok, 'EXP-3', `experience score ${r.score.toFixed(2)} vs minimum ${threshold}${why}`, {
    value: r.score,
    threshold,
    inForce: true,
  })
}

export interface MixCategory {
  id: string
  /** Share as a fraction (0..1). */
  share: number
  shareBp: number
  subtypes: string[]
}

/** EXP-4: the consultation mix as data (shares sum to 1), for the generator. */
export function consultationMix(rs: Pick<Ruleset, 'experience'>): MixCategory[] {
  return rs.experience.consultationMix.map((c) => ({
    id: c.id,
    share: c.shareBp / 10000,
    shareBp: c.shareBp,
    subtypes: [...c.subtypes],
  }))
}

/**
 * EXP-4 (003): at a burst merchants divert to bot-only reception: `true` within
 * `experience.botOnlyBurstMinutes` after a launch moment (CAL-3).
 */
export function botOnlyReception(
  at: number,
  cal: Pick<Calendar, 'launchMoments'>,
  rs: Pick<Ruleset, 'experience'>,
): boolean {
  return inLaunchBurst(at, cal, rs.experience.botOnlyBurstMinutes)
}
