import { lateShipmentCompensation, oversellCompensation } from '@d11/rules/compensation'
import type { Ruleset } from '@d11/rules/ruleset'

/** Why a payout is owed: the three causes of the `payouts` table. */
export type PayoutCause = 'late_shipment' | 'oversell' | 'price_protection'

export const CAUSE_LATE = 0
export const CAUSE_OVERSELL = 1

/**
 * PAY-1 (late shipment; PAY-4 for presale) or PAY-3 (oversold, can never ship): amount and rule ID
 * for an order that paid `paidFen`, with the given ruleset. Throws only on bad input (a negative
 * or fractional amount), naming the rule.
 */
export function compensationFor(
  paidFen: number,
  presale: boolean,
  oversell: boolean,
  rs: Pick<Ruleset, 'compensation'>,
): { amountFen: number; ruleId: string } {
  const v = oversell
    ? oversellCompensation({ paidFen, presale }, rs)
    : lateShipmentCompensation({ paidFen, presale }, rs)
  if (!v.ok) throw new RangeError(`${v.ruleId}: ${v.reason}`)
  return { amountFen: v.amountFen, ruleId: v.ruleId }
}

/**
 * Per-SKU compensation amounts, computed once per ruleset version the run meets (the amounts
 * depend only on price, presale flag and version), so a simulator pays millions of orders without
 * recomputing or allocating. {@link get} takes the ruleset in force at the payout.
 */
export class PayoutAmounts {
  private readonly tables: Array<{ rs: Ruleset; fen: Float64Array; rule: string[] }> = []

  constructor(
    private readonly paidFen: ArrayLike<number>,
    private readonly presale: ArrayLike<boolean>,
  ) {}

  private table(rs: Ruleset) {
    for (const t of this.tables) if (t.rs === rs) return t
    const n = this.paidFen.length
    const fen = new Float64Array(2 * n)
    const rule: string[] = new Array(2 * n)
    for (let k = 0; k < n; k++) {
      for (const cause of [CAUSE_LATE, CAUSE_OVERSELL]) {
        const c = compensationFor(this.paidFen[k]!, this.presale[k]!, cause === CAUSE_OVERSELL, rs)
        fen[2 * k + cause] = c.amountFen
        rule[2 * k + cause] = c.ruleId
      }
    }
    const t = { rs, fen, rule }
    this.tables.push(t)
    return t
  }

  /** Amount in fen for SKU `k` and `cause` (CAUSE_LATE / CAUSE_OVERSELL) under `rs`. */
  amountFen(k: number, cause: number, rs: Ruleset): number {
    return this.table(rs).fen[2 * k + cause]!
  }

  /** Rule ID of that payout (PAY-1, PAY-4 or PAY-3). */
  ruleId(k: number, cause: number, rs: Ruleset): string {
    return this.table(rs).rule[2 * k + cause]!
  }
}
