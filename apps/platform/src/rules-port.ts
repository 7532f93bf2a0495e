/**
 * The platform's binding to @d11/rules: every rule is a pure function there, evaluated with the
 * ruleset version in force at the simulated instant of the action (`rulesetAt`).
 */
import type { Merchant } from '@d11/generator/entities'
import { type Calendar, getCalendar, type RegistrationNode } from '@d11/rules/calendar'
import {
  inNoAutoCompensationWindow as inWindow,
  lateShipmentCompensation,
  massDelayVerdict,
  oversellCompensation,
} from '@d11/rules/compensation'
import { experienceScore } from '@d11/rules/experience'
import {
  apportionCoupon,
  crossStoreDiscountFen,
  DAILY,
  type PricePoint,
  validateCampaignPrice,
} from '@d11/rules/price'
import { eligibilityVerdict } from '@d11/rules/registration'
import { type Ruleset, rulesetAt } from '@d11/rules/ruleset'
import { freeShippingClaimVerdict, pickupDeadline as rulesPickupDeadline } from '@d11/rules/shipping'
import { DAY_MS, shanghaiDayStart } from '@d11/rules/time'

export type { Calendar, RegistrationNode, Ruleset }
export { rulesetAt }

/** Calendar by id (@d11/rules/calendar, CAL-2). */
export function loadCalendar(id: string): Calendar {
  return getCalendar(id)
}

/** PAY-2: inside the no-auto-compensation window nothing is paid automatically. */
export function inNoAutoCompensationWindow(cal: Calendar, at: number): boolean {
  return inWindow(at, cal)
}

/** PAY-1 (PAY-4 × presale multiplier) or PAY-3 for oversold orders: amount and rule ID. */
export function compensationFen(
  paidFen: number,
  presale: boolean,
  oversold: boolean,
  at: number,
): { amountFen: number; ruleId: string } {
  const rs = rulesetAt(at)
  const v = oversold
    ? oversellCompensation({ paidFen, presale }, rs)
    : lateShipmentCompensation({ paidFen, presale }, rs)
  return { amountFen: v.amountFen, ruleId: v.ruleId }
}

export interface CartLine {
  key: string
  merchantId: string
  amountFen: number
  couponEligible: boolean
}

/** PRICE-3: cross-store discount on the eligible lines, apportioned by price (largest remainder). */
export function apportionCrossStoreCoupon(
  lines: CartLine[],
  at: number,
): { discountFen: number; perLine: Map<string, number> } {
  const eligible = lines.filter((l) => l.couponEligible)
  const base = eligible.reduce((s, l) => s + l.amountFen, 0)
  const discountFen = crossStoreDiscountFen(base, rulesetAt(at))
  const perLine = new Map<string, number>()
  if (discountFen === 0) return { discountFen, perLine }
  for (const s of apportionCoupon(
    eligible.map((l) => ({ id: l.key, amountFen: l.amountFen })),
    discountFen,
  )) {
    perLine.set(s.id, s.shareFen)
  }
  return { discountFen, perLine }
}

/** A SKU's price history as PRICE-2 price points: daily prices and earlier campaign prices. */
export function priceHistory(sku: {
  dailyPrices: { start: string; pricesFen: number[] }
  campaignPrices: Array<{ campaign: string; priceFen: number; from: string }>
}): PricePoint[] {
  const points: PricePoint[] = []
  const start = shanghaiDayStart(Date.parse(`${sku.dailyPrices.start}T00:00:00+08:00`))
  sku.dailyPrices.pricesFen.forEach((priceFen, d) => {
    points.push({ kind: DAILY, priceFen, at: start + d * DAY_MS })
  })
  for (const c of sku.campaignPrices)
    points.push({ kind: c.campaign, priceFen: c.priceFen, at: Date.parse(c.from) })
  return points
}

/** PRICE-1/2 with the ruleset in force at `at`. */
export function campaignPriceCheck(campaign: string, priceFen: number, at: number, history: PricePoint[]) {
  const rs = rulesetAt(at)
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
 * REG-3 with the ruleset's thresholds; `compositeRanking` of the world is 0..1, the rule wants a
 * percentile. The EXP-3 score of the world's experience inputs goes along; the rule looks at it only
 * where 002's score gate is in force (2024).
 */
export function eligibility(
  m: Pick<Merchant, 'violationPoints' | 'activityLevel' | 'compositeRanking' | 'basicServiceScore'> & {
    experience?: Merchant['experience']
  },
  at: number,
): { ok: boolean; field: string; reason: string } {
  const rs = rulesetAt(at)
  const e = m.experience
  const score = e && experienceScore({ ...e, manualResponseSeconds: e.manualResponseSec }, rs).score
  const v = eligibilityVerdict(
    {
      violationPoints: m.violationPoints,
      activityLevel: m.activityLevel,
      compositeRankingPct: m.compositeRanking * 100,
      basicServiceScore: m.basicServiceScore,
      ...(score === undefined ? {} : { experienceScore: score }),
    },
    rs,
  )
  return { ok: v.ok, field: v.failures[0]?.split(' ')[0] ?? '', reason: v.reason }
}

/** PAY-6 level from judged and delayed orders. */
export function massDelayLevel(orders: number, delayedOrders: number, at: number) {
  return massDelayVerdict({ orders, delayedOrders }, rulesetAt(at))
}

/** EXP-3 composite score (ruleset weights and scale) from the metrics known; null where EXP-3 is not in force. */
export function experience(metrics: Record<string, number>, at: number): number | null {
  return experienceScore(metrics, rulesetAt(at)).score ?? null
}

/**
 * EXP-1 minimum reply rate, EXP-2 maximum manual response seconds, the EXP-1/2 SLA window in days,
 * EXP-3 admission minimum (null where 002's score gate is not in force).
 */
export function serviceThresholds(at: number) {
  const rs = rulesetAt(at)
  return {
    replyRate: rs.experience.replyRate.minRateBp / 10_000,
    manualResponseSec: rs.experience.manualResponse.maxSeconds,
    slaWindowDays: rs.experience.windowDays,
    experienceScore: rs.registration.eligibility.minExperienceScore ?? null,
  }
}

/** SHIP-1: pickup deadline (the calendar's wave, the ruleset's hours, or the SKU's presale/contract hours from the order). */
export function pickupDeadline(
  cal: Calendar,
  paidAt: number,
  orderedAt: number,
  presaleShipHours: number | null,
): number {
  return rulesPickupDeadline(paidAt, orderedAt, presaleShipHours ?? 0, cal, rulesetAt(paidAt))
}

/** SHIP-2 trace hours, PAY-5 complaint handling hours, PAY-7 appeal days, in force at `at`. */
export function deadlineFigures(at: number) {
  const rs = rulesetAt(at)
  return {
    traceHours: rs.shipping.traceHours,
    complaintHours: rs.compensation.complaintHandlingHours,
    // PAY-7 (002, 2024): without it no appeal window applies
    appealDays: rs.compensation.appeals?.windowDays ?? Number.POSITIVE_INFINITY,
  }
}

/**
 * SHIP-6: a title claiming free shipping needs a free template for every region. Judged over the
 * world's own region list (`regions`), with the ruleset's free-shipping words.
 */
export function freeShippingClaim(
  sku: { title: string; shippingTemplate: { freeRegions: string[]; feeFen: number } },
  regions: readonly string[],
  at: number,
) {
  const rs = rulesetAt(at)
  const free = new Set(sku.shippingTemplate.freeRegions)
  const template = Object.fromEntries(regions.map((r) => [r, free.has(r) ? 0 : sku.shippingTemplate.feeFen]))
  return freeShippingClaimVerdict(
    { title: sku.title, template },
    { shipping: { ...rs.shipping, regions: [...regions] } },
  )
}
