import { DAY_MS } from '@d11/time/shanghai'
import type { Ruleset, Tier } from './ruleset.ts'
import { isNonNegInt, isTime, type Verdict, verdict, yuan } from './verdict.ts'

/** PRICE-1/2: the daily (non-campaign) price as a validated kind. */
export const DAILY = 'daily'

const RANK: Record<Tier, number> = { S1: 3, S2: 2, A: 1 }

/** PRICE-1: the tier of a campaign id under a ruleset, or `undefined` when unknown. */
export function tierOf(campaign: string, rs: Pick<Ruleset, 'tierOf'>): Tier | undefined {
  return Object.hasOwn(rs.tierOf, campaign) ? rs.tierOf[campaign] : undefined
}

/**
 * PRICE-1: does `checker` (the campaign registering now) validate the price of `checked` (an
 * earlier campaign id, or {@link DAILY})? A higher tier validates lower tiers; the same tier only
 * when the ruleset says so (before 2022-04-15); a tier without a price requirement validates nothing.
 */
export function validates(checker: string, checked: string, rs: Pick<Ruleset, 'tierOf' | 'price'>): boolean {
  const a = tierOf(checker, rs)
  if (!a || !rs.price.priceRequirement[a]) return false
  if (checked === DAILY) return true
  const b = tierOf(checked, rs)
  if (!b) return false
  return RANK[a] > RANK[b] || (rs.price.sameTierValidates && RANK[a] === RANK[b])
}

export interface PricePoint {
  /** Campaign id, or {@link DAILY} for the daily price. */
  kind: string
  priceFen: number
  at: number
}

/**
 * PRICE-2: a campaign price must be ≤ the lowest price of the kinds the campaign validates
 * (PRICE-1) within the validation window `[at - validationWindowDays, at]`. `ok: false` when it is
 * higher; `ceilingFen` is the lowest validated price, absent when nothing constrains it.
 */
export function validateCampaignPrice(
  input: { campaign: string; priceFen: number; at: number; history: PricePoint[] },
  rs: Pick<Ruleset, 'tierOf' | 'price' | 'version'>,
): Verdict & { ceilingFen?: number; ceilingKind?: string } {
  const { campaign, priceFen, at, history } = input
  if (!tierOf(campaign, rs))
    return verdict(false, 'PRICE-1', `unknown campaign "${campaign}" in ruleset ${rs.version}`)
  if (!isNonNegInt(priceFen))
    return verdict(false, 'PRICE-2', `priceFen must be a non-negative integer, got ${priceFen}`)
  if (!isTime(at)) return verdict(false, 'PRICE-2', `at must be epoch ms, got ${at}`)
  const from = at - rs.price.validationWindowDays * DAY_MS
  let best: PricePoint | undefined
  for (const p of history) {
    if (p.at < from || p.at > at || !validates(campaign, p.kind, rs)) continue
    if (!best || p.priceFen < best.priceFen) best = p
  }
  if (!best)
    return verdict(true, 'PRICE-2', `no validated price within ${rs.price.validationWindowDays} days`)
  const ok = priceFen <= best.priceFen
  return verdict(
    ok,
    'PRICE-2',
    `${campaign} price ${yuan(priceFen)} ${ok ? '<=' : '>'} lowest validated price ${yuan(best.priceFen)} (${best.kind})`,
    { ceilingFen: best.priceFen, ceilingKind: best.kind, amountFen: Math.max(0, priceFen - best.priceFen) },
  )
}

/**
 * PRICE-3: splits `discountFen` over `items` in proportion to `amountFen`, exactly in fen:
 * the shares sum to `discountFen`, none is negative or above its item's amount (when
 * `discountFen` ≤ the total), and the split is deterministic. Method: largest remainder; ties go to
 * the larger amount, then the smaller `id` (code-unit order), then the earlier item. With unique
 * ids the share of each id does not depend on the order of `items`.
 * Throws `RangeError` for non-integer or negative amounts (a programming error, not business input).
 */
export function apportionCoupon(
  items: ReadonlyArray<{ id: string; amountFen: number }>,
  discountFen: number,
): Array<{ id: string; shareFen: number }> {
  if (!isNonNegInt(discountFen)) throw new RangeError(`discountFen must be a non-negative integer (PRICE-3)`)
  for (const it of items) {
    if (!isNonNegInt(it.amountFen))
      throw new RangeError(`items[${it.id}].amountFen must be a non-negative integer (PRICE-3)`)
  }
  const total = items.reduce((s, it) => s + BigInt(it.amountFen), 0n)
  if (total === 0n || discountFen === 0) return items.map((it) => ({ id: it.id, shareFen: 0 }))
  const d = BigInt(discountFen)
  const parts = items.map((it, index) => {
    const num = d * BigInt(it.amountFen)
    return { index, id: it.id, amount: it.amountFen, share: num / total, rem: num % total }
  })
  let left = d - parts.reduce((s, p) => s + p.share, 0n)
  const order = [...parts].sort(
    (a, b) =>
      (a.rem === b.rem ? 0 : a.rem > b.rem ? -1 : 1) ||
      b.amount - a.amount ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
      a.index - b.index,
  )
  // When discount > total the shares exceed amounts; keep cycling so the sum stays exact.
  for (let i = 0; left > 0n; i = (i + 1) % order.length) {
    order[i]!.share += 1n
    left -= 1n
  }
  return parts.map((p) => ({ id: p.id, shareFen: Number(p.share) }))
}

/** PRICE-3: the cross-store discount earned by an eligible total (never more than the total). */
export function crossStoreDiscountFen(
  eligibleTotalFen: number,
  rs: Pick<Ruleset, 'crossStoreCoupon'>,
): number {
  const c = rs.crossStoreCoupon
  const times =
    c.stacking === 'once'
      ? eligibleTotalFen >= c.thresholdFen
        ? 1
        : 0
      : Math.floor(eligibleTotalFen / c.thresholdFen)
  return Math.min(eligibleTotalFen, times * c.discountFen)
}

export interface CouponLine {
  id: string
  shopId?: string
  amountFen: number
  /** `false` for shops without the cross-store coupon; every item of a participating shop counts. @default true */
  couponEligible?: boolean
}

/**
 * PRICE-3: the cross-store coupon for one checkout. Eligible lines of every shop add up toward the
 * threshold ("300 minus 40"); the discount is apportioned over the eligible lines by price.
 */
export function crossStoreCoupon(
  lines: ReadonlyArray<CouponLine>,
  rs: Pick<Ruleset, 'crossStoreCoupon'>,
): Verdict & {
  discountFen: number
  eligibleTotalFen: number
  shares: Array<{ id: string; shareFen: number }>
} {
  const bad = lines.find((l) => !isNonNegInt(l.amountFen))
  if (bad) {
    return verdict(false, 'PRICE-3', `line "${bad.id}": amountFen must be a non-negative integer`, {
      discountFen: 0,
      eligibleTotalFen: 0,
      shares: [],
    })
  }
  const eligible = lines.filter((l) => l.couponEligible !== false)
  const eligibleTotalFen = eligible.reduce((s, l) => s + l.amountFen, 0)
  const discountFen = crossStoreDiscountFen(eligibleTotalFen, rs)
  const byId = new Map(apportionCoupon(eligible, discountFen).map((s, i) => [i, s.shareFen]))
  let k = 0
  const shares = lines.map((l) => ({
    id: l.id,
    shareFen: l.couponEligible === false ? 0 : (byId.get(k++) ?? 0),
  }))
  const c = rs.crossStoreCoupon
  return verdict(
    true,
    'PRICE-3',
    `eligible ${yuan(eligibleTotalFen)} earns ${yuan(discountFen)} (${yuan(c.thresholdFen)} minus ${yuan(c.discountFen)}, ${c.stacking})`,
    { amountFen: discountFen, discountFen, eligibleTotalFen, shares },
  )
}

export interface CartLine {
  id: string
  shopId: string
  unitPriceFen: number
  quantity: number
  /** Item-level discount already granted on this line (e.g. a gift card), fen. @default 0 */
  itemDiscountFen?: number
  /** @default true */
  couponEligible?: boolean
}

export interface ToHandLine {
  id: string
  shopId: string
  listFen: number
  itemDiscountFen: number
  shopCouponFen: number
  crossStoreFen: number
  /** What the buyer pays for the line. */
  payFen: number
  /** `payFen / quantity`, rounded down to the fen (the exact figure is `payFen`). */
  unitToHandFen: number
}

/**
 * PRICE-4: the to-hand price of every line of a cart spanning shops, after stacking: item
 * discounts, then each shop's own coupon (`shopCoupons[shopId]`, once per shop, apportioned within
 * the shop), then the cross-store coupon (PRICE-3) on what is left. Sums are exact in fen.
 */
export function toHandPrice(
  cart: {
    lines: ReadonlyArray<CartLine>
    shopCoupons?: Record<string, { thresholdFen: number; discountFen: number }>
  },
  rs: Pick<Ruleset, 'crossStoreCoupon'>,
): Verdict & { listFen: number; payFen: number; lines: ToHandLine[] } {
  const empty = { listFen: 0, payFen: 0, lines: [] as ToHandLine[] }
  for (const l of cart.lines) {
    if (!isNonNegInt(l.unitPriceFen) || !isNonNegInt(l.quantity) || !isNonNegInt(l.itemDiscountFen ?? 0)) {
      return verdict(
        false,
        'PRICE-4',
        `line "${l.id}": unitPriceFen, quantity and itemDiscountFen must be non-negative integers`,
        empty,
      )
    }
  }
  const lines: ToHandLine[] = cart.lines.map((l) => {
    const listFen = l.unitPriceFen * l.quantity
    const itemDiscountFen = Math.min(listFen, l.itemDiscountFen ?? 0)
    return {
      id: l.id,
      shopId: l.shopId,
      listFen,
      itemDiscountFen,
      shopCouponFen: 0,
      crossStoreFen: 0,
      payFen: listFen - itemDiscountFen,
      unitToHandFen: 0,
    }
  })
  for (const [shopId, coupon] of Object.entries(cart.shopCoupons ?? {})) {
    const own = lines.filter((l) => l.shopId === shopId)
    const total = own.reduce((s, l) => s + l.payFen, 0)
    if (total < coupon.thresholdFen || coupon.discountFen <= 0) continue
    const shares = apportionCoupon(
      own.map((l) => ({ id: l.id, amountFen: l.payFen })),
      Math.min(total, coupon.discountFen),
    )
    own.forEach((l, i) => {
      l.shopCouponFen = shares[i]!.shareFen
      l.payFen -= l.shopCouponFen
    })
  }
  const cross = crossStoreCoupon(
    lines.map((l, i) => ({
      id: l.id,
      amountFen: l.payFen,
      couponEligible: cart.lines[i]!.couponEligible !== false,
    })),
    rs,
  )
  lines.forEach((l, i) => {
    l.crossStoreFen = cross.shares[i]!.shareFen
    l.payFen -= l.crossStoreFen
    const q = cart.lines[i]!.quantity
    l.unitToHandFen = q === 0 ? 0 : Math.floor(l.payFen / q)
  })
  const listFen = lines.reduce((s, l) => s + l.listFen, 0)
  const payFen = lines.reduce((s, l) => s + l.payFen, 0)
  return verdict(true, 'PRICE-4', `list ${yuan(listFen)}, to hand ${yuan(payFen)}`, {
    amountFen: listFen - payFen,
    listFen,
    payFen,
    lines,
  })
}

/**
 * PRICE-4: a merchant's real floor for one unit: the lowest to-hand unit price the cross-store
 * coupon can produce when the buyer fills the threshold exactly (with items from any shop), one fen
 * of rounding included. Both stacking modes give at most `discountFen / thresholdFen` off.
 */
export function toHandFloorFen(unitPriceFen: number, rs: Pick<Ruleset, 'crossStoreCoupon'>): number {
  const c = rs.crossStoreCoupon
  if (!isNonNegInt(unitPriceFen)) return 0
  const off = Math.ceil((unitPriceFen * Math.min(c.discountFen, c.thresholdFen)) / c.thresholdFen)
  return Math.max(0, unitPriceFen - off)
}

/**
 * PRICE-5: a buyer's price-protection claim, on to-hand prices (PRICE-4, after every stacked
 * discount: item, shop and cross-store coupons), not list prices: `paidToHandUnitFen` is what the
 * buyer paid per unit (`toHandPrice(...).lines[i].unitToHandFen`), `lowerToHandUnitFen` the lower
 * to-hand unit price found later for the same SKU. Valid (`ok`) when that price was seen within the
 * protection window `[paidAt, paidAt + priceProtection.windowDays)`; a claim after it is refused
 * (PRICE-5). `amountFen` is the difference times the quantity.
 */
export function priceProtectionClaim(
  input: {
    paidToHandUnitFen: number
    paidAt: number
    lowerToHandUnitFen: number
    seenAt: number
    quantity?: number
  },
  rs: Pick<Ruleset, 'priceProtection'>,
): Verdict & { windowEnds: number; amountFen: number } {
  const { paidToHandUnitFen: paid, paidAt, lowerToHandUnitFen: lower, seenAt } = input
  const quantity = input.quantity ?? 1
  const days = rs.priceProtection.windowDays
  const windowEnds = paidAt + days * DAY_MS
  if (!isNonNegInt(paid) || !isNonNegInt(lower) || !isNonNegInt(quantity)) {
    return verdict(
      false,
      'PRICE-5',
      'paidToHandUnitFen, lowerToHandUnitFen and quantity must be non-negative integers',
      { windowEnds, amountFen: 0 },
    )
  }
  if (!isTime(seenAt) || seenAt < paidAt || seenAt >= windowEnds) {
    return verdict(false, 'PRICE-5', `claim outside the ${days}-day protection window: refused`, {
      windowEnds,
      amountFen: 0,
    })
  }
  if (lower >= paid) {
    return verdict(false, 'PRICE-5', `no lower to-hand price: ${yuan(lower)} >= paid ${yuan(paid)}`, {
      windowEnds,
      amountFen: 0,
    })
  }
  const amountFen = (paid - lower) * quantity
  return verdict(
    true,
    'PRICE-5',
    `owed ${yuan(amountFen)}: paid ${yuan(paid)} to hand, later ${yuan(lower)} to hand, x ${quantity}`,
    { windowEnds, amountFen },
  )
}

/**
 * PRICE-5: a SKU registered for presale and spot must not get a lower to-hand price or added perks
 * in the spot phase. `ok: false` when it did; `payouts` lists what every earlier presale buyer is
 * owed (cause `price_protection`): the unit difference (perks valued in fen count as a price cut)
 * times the quantity.
 */
export function presaleSpotPriceProtection(input: {
  presaleOrders: ReadonlyArray<{ orderId: string; unitToHandFen: number; quantity: number }>
  spotUnitToHandFen: number
  /** Value of perks added in the spot phase (gifts, coupons), fen per unit. @default 0 */
  spotPerksFen?: number
}): Verdict & { payouts: Array<{ orderId: string; amountFen: number; cause: 'price_protection' }> } {
  const effective = input.spotUnitToHandFen - (input.spotPerksFen ?? 0)
  const payouts = input.presaleOrders
    .filter((o) => o.unitToHandFen > effective)
    .map((o) => ({
      orderId: o.orderId,
      amountFen: (o.unitToHandFen - effective) * o.quantity,
      cause: 'price_protection' as const,
    }))
  const amountFen = payouts.reduce((s, p) => s + p.amountFen, 0)
  if (payouts.length === 0) {
    return verdict(true, 'PRICE-5', 'spot phase did not undercut any presale buyer', {
      payouts,
      amountFen: 0,
    })
  }
  return verdict(
    false,
    'PRICE-5',
    `spot to-hand ${yuan(effective)} (perks included) undercuts ${payouts.length} presale order(s): owed ${yuan(amountFen)}`,
    { payouts, amountFen },
  )
}
