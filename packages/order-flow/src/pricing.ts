import type { Calendar } from '@d11/rules/calendar'
import { DAILY, type PricePoint, toHandPrice, validateCampaignPrice } from '@d11/rules/price'
import { freeShippingClaimVerdict } from '@d11/rules/shipping'
import { DAY_MS, shanghaiDayStart } from '@d11/time/shanghai'
import { type FlowRules, rulesAt } from './rules-context.ts'

/** One cart line for PRICE-3: its amount and whether its shop takes part in the cross-store coupon. */
export interface CouponLine {
  key: string
  amountFen: number
  couponEligible: boolean
}

/**
 * PRICE-3 / PRICE-4 at `at`: the cross-store discount over the eligible lines of one checkout,
 * apportioned over them by price, read off `@d11/rules` toHandPrice (each line one item of its
 * amount: the platform's carts carry no item discounts or shop coupons). `perLine` maps a line's
 * key to its share; the to-hand amount of a line is its amount less that share.
 */
export function crossStoreShares(
  lines: readonly CouponLine[],
  at: number,
  rules: FlowRules,
): { discountFen: number; perLine: Map<string, number> } {
  const priced = toHandPrice(
    {
      lines: lines.map((l) => ({
        id: l.key,
        shopId: '',
        unitPriceFen: l.amountFen,
        quantity: 1,
        couponEligible: l.couponEligible,
      })),
    },
    rulesAt(at, rules),
  )
  if (!priced.ok) throw new RangeError(`${priced.reason} (${priced.ruleId})`)
  const perLine = new Map<string, number>()
  for (const l of priced.lines) if (l.crossStoreFen > 0) perLine.set(l.id, l.crossStoreFen)
  return { discountFen: priced.listFen - priced.payFen, perLine }
}

/** A SKU's earlier prices as PRICE-2 price points: one daily price per Shanghai day, then its campaign prices. */
export function pricePoints(sku: {
  dailyPrices: { start: string; pricesFen: readonly number[] }
  campaignPrices: ReadonlyArray<{ campaign: string; priceFen: number; from: string }>
}): PricePoint[] {
  const firstDay = shanghaiDayStart(Date.parse(`${sku.dailyPrices.start}T00:00:00+08:00`))
  const points: PricePoint[] = sku.dailyPrices.pricesFen.map((priceFen, d) => ({
    kind: DAILY,
    priceFen,
    at: firstDay + d * DAY_MS,
  }))
  for (const c of sku.campaignPrices)
    points.push({ kind: c.campaign, priceFen: c.priceFen, at: Date.parse(c.from) })
  return points
}

/** PRICE-1/2 at `at`: is `priceFen` for `campaign` at or below what the validated prices allow? */
export function campaignPriceDecision(
  campaign: string,
  priceFen: number,
  history: PricePoint[],
  at: number,
  rules: FlowRules,
) {
  const rs = rulesAt(at, rules)
  const v = validateCampaignPrice({ campaign, priceFen, at, history }, rs)
  return {
    ok: v.ok,
    ruleId: v.ruleId,
    reason: v.reason,
    ceilingFen: v.ceilingFen ?? null,
    source: v.ceilingKind ?? '',
    ruleset: rs.version,
  }
}

/**
 * SHIP-6 at `at`: a title that claims free shipping needs a free template in every region of the
 * world's own region vocabulary (`regions`), with the ruleset's free-shipping words.
 */
export function freeShippingListing(
  sku: { title: string; shippingTemplate: { freeRegions: readonly string[]; feeFen: number } },
  regions: readonly string[],
  at: number,
  rules: FlowRules,
) {
  const rs = rulesAt(at, rules)
  const free = new Set(sku.shippingTemplate.freeRegions)
  const template: Record<string, number> = {}
  for (const r of regions) template[r] = free.has(r) ? 0 : sku.shippingTemplate.feeFen
  return freeShippingClaimVerdict(
    { title: sku.title, template },
    { shipping: { ...rs.shipping, regions: [...regions] } },
  )
}

export type { Calendar, PricePoint }
