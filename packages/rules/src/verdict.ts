/**
 * The result of every business check: callers store it (ClickHouse `sla_verdicts`, `payouts`,
 * `events.rule_id`). Checks never throw on business input; they return `ok: false` with a reason.
 */
export interface Verdict {
  /** `true` when the action is allowed / the obligation is met / the claim is valid (see each check). */
  ok: boolean
  /** Rule ID from `shared/domain/rules.md`, e.g. `PAY-1`. */
  ruleId: string
  /** One sentence a planner can read, naming the figures compared. */
  reason: string
  /** Money involved (payout, discount, difference), integer fen. */
  amountFen?: number
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
