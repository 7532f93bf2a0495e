/**
 * The result of every business check: callers store it (ClickHouse `sla_verdicts`, `payouts`,
 * `events.rule_id`). Checks never throw on business input; they return `ok: false` with a reason.
 */
export interface Verdict {
  /** `true` when the action is allowed / the obligation is met / the claim is valid (see each check). */
  ok: boolean
  /** Rule ID of the rule catalogue (`docs/rules.md`), e.g. `PAY-1`. */
  ruleId: string
  /** One sentence a planner can read, naming the figures compared. */
  reason: string
  /** Money involved (payout, discount, difference), integer fen. */
  amountFen?: number
  /**
   * Rules of 002 (2024) answer whether they exist in the ruleset given: `false` means the rule is
   * not in force there and the verdict is the neutral answer (no payout change, no limit, no removal).
   */
  inForce?: boolean
}

/** Builds a verdict; `extra` carries check-specific fields (deadlines, thresholds, shares…). */
export function verdict<E extends object = object>(
  ok: boolean,
  ruleId: string,
  reason: string,
  extra?: E,
): Verdict & E {
  return { ok, ruleId, reason, ...(extra as E) }
}

/**
 * The neutral verdict of a rule that the ruleset does not contain (`inForce: false`), e.g. PAY-6
 * in the 2009 baseline. `ok` is the answer a caller should act on (usually `true`: nothing to enforce).
 */
export function notInForce<E extends object = object>(
  ruleId: string,
  rs: { version: string },
  what: string,
  extra?: E,
  ok = true,
): Verdict & E & { inForce: false } {
  return {
    ok,
    ruleId,
    reason: `${ruleId} is not in force in ruleset ${rs.version}: ${what}`,
    inForce: false,
    ...(extra as E),
  }
}

/** `true` when `n` is a safe, non-negative integer (fen, counts). */
export function isNonNegInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0
}

/** `true` when `n` is a finite number (epoch ms). */
export function isTime(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n)
}

/** Formats fen as yuan for reasons: `16750000` -> `167500.00 yuan`. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} yuan`
}
