/**
 * The platform's view of @d11/rules. Rules are pure functions owned by packages/rules; this module
 * binds them to the platform's config. Where a rules module is not published yet the platform
 * uses the interim implementation below, written against shared/domain/rules.md.
 */
import { type Calendar, getCalendar, type RegistrationNode } from '@d11/rules/calendar'
import type { PlatformConfig } from './config.ts'

export type { Calendar, RegistrationNode }

const t = (iso: string) => Date.parse(iso)

/** Calendar by id (@d11/rules/calendar, CAL-2). */
export function loadCalendar(id: string): Calendar {
  return getCalendar(id)
}

/** PAY-2: inside the no-auto-compensation window nothing is paid automatically. */
export function inNoAutoCompensationWindow(cal: Calendar, at: number): boolean {
  const w = cal.noAutoCompensationWindow
  return at >= w.from && at < w.to
}

/** PAY-1 (+ PAY-4 for presale): 30 % of the paid amount, clamped to 5..500 yuan, times the presale multiplier. */
export function lateShipmentCompensationFen(
  paidFen: number,
  presale: boolean,
  presaleMultiplier = 1.5,
): number {
  const base = Math.min(50_000, Math.max(500, Math.round(paidFen * 0.3)))
  return presale ? Math.round(base * presaleMultiplier) : base
}

export interface CartLine {
  key: string
  merchantId: string
  amountFen: number
  couponEligible: boolean
}

/**
 * PRICE-3: "300 minus 40" across shops. Eligible lines add up toward the threshold; every full
 * 300 yuan gives 40 (or once only); the discount is apportioned in proportion to price, the
 * rounding remainder going to the largest line so the parts sum exactly.
 */
export function apportionCrossStoreCoupon(
  lines: CartLine[],
  opts: { thresholdFen: number; discountFen: number; perThreshold: boolean } = {
    thresholdFen: 30_000,
    discountFen: 4_000,
    perThreshold: true,
  },
): { discountFen: number; perLine: Map<string, number> } {
  const eligible = lines.filter((l) => l.couponEligible)
  const base = eligible.reduce((s, l) => s + l.amountFen, 0)
  const times = opts.perThreshold ? Math.floor(base / opts.thresholdFen) : base >= opts.thresholdFen ? 1 : 0
  const discountFen = times * opts.discountFen
  const perLine = new Map<string, number>()
  if (discountFen === 0) return { discountFen, perLine }
  let given = 0
  let largest: CartLine | undefined
  for (const l of eligible) {
    const part = Math.floor((discountFen * l.amountFen) / base)
    perLine.set(l.key, part)
    given += part
    if (!largest || l.amountFen > largest.amountFen) largest = l
  }
  if (largest) perLine.set(largest.key, (perLine.get(largest.key) ?? 0) + discountFen - given)
  return { discountFen, perLine }
}

export type Tier = 'S1' | 'S2' | 'A'
const TIER_2022: Record<string, Tier> = {
  double11: 'S1',
  '618': 'S1',
  double12: 'S1',
  '38': 'S2',
  '88': 'S2',
  '99': 'S2',
  nianhuo: 'S2',
  juhuasuan: 'S2',
  'billion-subsidy': 'S2',
  'tiantian-temai': 'S2',
  '55': 'A',
  '520': 'A',
  'bu-da-yang': 'A',
  qinzi: 'A',
}
/** PRICE-1 effective date: registrations from 2022-04-15 (+08:00) use the 2022 tier rules. */
export const TIER_2022_EFFECTIVE = t('2022-04-15T00:00:00+08:00')
const RANK: Record<Tier, number> = { S1: 3, S2: 2, A: 1 }

export function tierOf(campaign: string, at: number): Tier | undefined {
  if (at < TIER_2022_EFFECTIVE && campaign === 'double12') return 'S2'
  return TIER_2022[campaign]
}

/**
 * PRICE-1: does a campaign (`validator`) validate the price of an earlier `validated` campaign?
 * 2022 rules: a higher tier validates lower tiers, the same tier never itself, S1 is never
 * validated. Before 2022-04-15 the same tier did validate itself.
 */
export function validates(validator: string, validated: string, at: number): boolean {
  const a = tierOf(validator, at)
  const b = tierOf(validated, at)
  if (!a || !b) return false
  if (at >= TIER_2022_EFFECTIVE) return b !== 'S1' && RANK[a] > RANK[b]
  return RANK[a] >= RANK[b]
}

/** PRICE-2: the price ceiling a campaign price must meet; `undefined` when nothing constrains it. */
export function campaignPriceCeiling(
  campaign: string,
  at: number,
  earlier: Array<{ campaign: string; priceFen: number }>,
  dailyLowFen: number | undefined,
): { ceilingFen: number; source: string } | undefined {
  let best: { ceilingFen: number; source: string } | undefined =
    dailyLowFen === undefined ? undefined : { ceilingFen: dailyLowFen, source: 'daily' }
  // Before 2022-04-15 A-tier campaigns had no price requirement.
  if (at < TIER_2022_EFFECTIVE && tierOf(campaign, at) === 'A') return undefined
  for (const e of earlier) {
    if (validates(campaign, e.campaign, at) && (!best || e.priceFen < best.ceilingFen)) {
      best = { ceilingFen: e.priceFen, source: e.campaign }
    }
  }
  return best
}

export interface EligibilityInput {
  violationPoints: number
  activityLevel: number
  compositeRanking: number
  basicServiceScore: number
}

/** REG-3: the first failing criterion, or `undefined` when the shop qualifies. */
export function eligibilityFailure(
  m: EligibilityInput,
  cfg: PlatformConfig['eligibility'],
): string | undefined {
  if (m.violationPoints > cfg.maxViolationPoints) return 'violationPoints'
  if (m.activityLevel < cfg.minActivityLevel) return 'activityLevel'
  if (m.compositeRanking > cfg.maxCompositeRanking) return 'compositeRanking'
  if (m.basicServiceScore < cfg.minServiceScore) return 'basicServiceScore'
  return undefined
}
