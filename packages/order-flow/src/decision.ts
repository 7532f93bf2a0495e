/**
 * What every order-flow decision writes: an outcome code (small int, per decision kind), the rule
 * that decided it and the money involved in fen. Callers on a hot path keep one object and pass it
 * as `out` to every call (no allocation per order); others call {@link newDecision} per call.
 */
export interface Decision {
  /** The action is allowed / a payout is due / the claim is valid (see each decision). */
  ok: boolean
  /** Outcome, one of the decision's own code constants. */
  code: number
  /** Rule ID (the rule catalogue, docs/rules.md) that decided. */
  ruleId: string
  /** Money the decision moves (payout, refund, difference), integer fen; 0 when none. */
  amountFen: number
  /** One sentence for a person (error messages, event details); '' on the hot path. */
  reason: string
}

export function newDecision(): Decision {
  return { ok: false, code: 0, ruleId: '', amountFen: 0, reason: '' }
}

/** Writes a decision into `out` and returns it. */
export function decide(
  out: Decision,
  ok: boolean,
  code: number,
  ruleId: string,
  amountFen: number,
  reason: string,
): Decision {
  out.ok = ok
  out.code = code
  out.ruleId = ruleId
  out.amountFen = amountFen
  out.reason = reason
  return out
}
