/**
 * One vocabulary for how the platform sells stock, used by the platform config and the
 * simulator's scenarios alike.
 *
 * - `reservation`: `strict` — the platform counts every sale the moment it happens; `lagging` —
 *   it learns of sales late (the merchant's published stock in the platform, a sync lag in the
 *   simulator), so a burst between syncs sells past the limit.
 * - `oversellShare`: signed share of physical stock the platform offers beyond it. `+0.05` sells
 *   5 % over stock, `-0.02` holds 2 % back, `0` sells exactly the stock. Every unit accepted
 *   beyond physical stock is oversold (PAY-3 risk), whatever the policy.
 */
export type Reservation = 'strict' | 'lagging'
export const RESERVATIONS: readonly Reservation[] = ['strict', 'lagging']

export interface StockPolicy {
  reservation: Reservation
  oversellShare: number
}

/** Units the platform offers for a stock figure: `floor(stock × (1 + oversellShare))`, at least 0. */
export function sellableLimit(stockUnits: number, oversellShare: number): number {
  // 1e-9 absorbs binary noise (e.g. 100 × 0.95 = 94.999…)
  return Math.max(0, Math.floor(stockUnits * (1 + oversellShare) + 1e-9))
}

/**
 * Does the platform accept `requested` more units, knowing of `knownSold` sold so far against the
 * stock figure `basisUnits` (physical stock, or the merchant's last publication)? PAY-3's limit.
 */
export function withinStock(
  requested: number,
  knownSold: number,
  basisUnits: number,
  oversellShare: number,
): boolean {
  return knownSold + requested <= sellableLimit(basisUnits, oversellShare)
}

/** PAY-3: after this sale, are more units sold than physically exist? */
export function isOversold(soldAfter: number, physicalUnits: number): boolean {
  return soldAfter > physicalUnits
}

/**
 * Reads the names used before the vocabulary was shared, so old config and scenario files keep
 * their meaning: the platform's `buffered` + `oversellBuffer` (sell that share over stock), the
 * simulator's `synced` (a sync lag) and `buffer` in percent (hold that much back).
 */
export function stockPolicyFromLegacy(input: {
  policy: string
  /** platform `oversellBuffer`: share sold beyond stock under `buffered` */
  oversellBuffer?: number
  /** simulator `oversell.buffer`: percent of stock held back */
  holdBackPercent?: number
  oversellShare?: number
}): StockPolicy {
  const reservation: Reservation =
    input.policy === 'lagging' || input.policy === 'synced' ? 'lagging' : 'strict'
  let share = input.oversellShare ?? 0
  if (input.oversellShare === undefined) {
    if (input.policy === 'buffered') share = input.oversellBuffer ?? 0
    else if (input.holdBackPercent !== undefined) share = -input.holdBackPercent / 100
  }
  return { reservation, oversellShare: share }
}

/**
 * `lagging` as a publication schedule: the merchant republishes its stock view every `everyMs` of
 * simulated time on the clock's grid (…:00, :05, … at 5 min; epoch-aligned, and Shanghai's +8 h is
 * a whole number of any minute period). The latest publication at or before `t`. A publication at
 * an instant comes before the sales of that instant.
 */
export function lastPublicationAt(t: number, everyMs: number): number {
  return Math.floor(t / everyMs) * everyMs
}

/**
 * What a `lagging` merchant publishes: its sellable units less the sales it knew of at the lag's
 * cutoff (publication instant − lag), at least 0. From then on the platform sells that figure less
 * what it sells after, so the sales inside the lag are sold again (PAY-3).
 */
export function publishedUnits(baseUnits: number, knownSold: number): number {
  return Math.max(0, baseUnits - knownSold)
}
