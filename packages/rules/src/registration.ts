import { toShanghaiIso } from '@d11/time/shanghai'
import { type Calendar, REGISTRATION_NODES, type RegistrationNode } from './calendar.ts'
import type { Ruleset } from './ruleset.ts'
import { isTime, type Verdict, verdict } from './verdict.ts'

/**
 * REG-1: a registration must fall inside its node's window (`opens` inclusive, `closes`
 * exclusive) and inside the overall registration window.
 */
export function registrationWindowVerdict(
  node: string,
  at: number,
  cal: Pick<Calendar, 'registration'>,
): Verdict {
  if (!(REGISTRATION_NODES as readonly string[]).includes(node)) {
    return verdict(
      false,
      'REG-1',
      `unknown registration node "${node}": nodes are ${REGISTRATION_NODES.join(', ')}`,
    )
  }
  if (!isTime(at)) return verdict(false, 'REG-1', `at must be epoch ms, got ${at}`)
  const w = cal.registration.nodes[node as RegistrationNode]
  const ok = at >= w.opens && at < w.closes
  return verdict(
    ok,
    'REG-1',
    `${node} window ${toShanghaiIso(w.opens)} to ${toShanghaiIso(w.closes)} (end exclusive): ${ok ? 'inside' : 'outside'}`,
  )
}

export interface SkuRegistration {
  merchantId: string
  skuId: string
  node: RegistrationNode
}

const CONFLICTS: ReadonlyArray<[RegistrationNode, RegistrationNode]> = [['wave1Spot', 'wave2Presale']]

/** REG-2: the same SKU of the same merchant cannot be registered for both wave-1 spot and wave-2 presale. */
export function waveConflictVerdict(reg: SkuRegistration, existing: ReadonlyArray<SkuRegistration>): Verdict {
  for (const [a, b] of CONFLICTS) {
    const other = reg.node === a ? b : reg.node === b ? a : undefined
    if (!other) continue
    const clash = existing.find(
      (e) => e.merchantId === reg.merchantId && e.skuId === reg.skuId && e.node === other,
    )
    if (clash)
      return verdict(
        false,
        'REG-2',
        `SKU ${reg.skuId} is already registered for ${other}; ${a} and ${b} exclude each other`,
      )
  }
  return verdict(true, 'REG-2', 'no wave conflict')
}

export interface ShopMetrics {
  violationPoints: number
  activityLevel: number
  /** Percentile rank in the category, 0 = best, 100 = worst. */
  compositeRankingPct: number
  basicServiceScore: number
  /** EXP-3 score; gates admission where the ruleset has the gate (002, 2024). */
  experienceScore?: number
}

/**
 * REG-3: a shop qualifies only if every metric meets the ruleset's `registration.eligibility`
 * thresholds. Where the ruleset has 002's score gate (`minExperienceScore`, 2024) the EXP-3 score
 * must meet it too, and a shop without a score does not qualify; under earlier rulesets the score
 * is not looked at. `failures` names every failing metric.
 */
export function eligibilityVerdict(
  m: ShopMetrics,
  rs: Pick<Ruleset, 'registration'>,
): Verdict & { failures: string[] } {
  const t = rs.registration.eligibility
  const failures: string[] = []
  if (!(m.violationPoints <= t.maxViolationPoints))
    failures.push(`violationPoints ${m.violationPoints} > ${t.maxViolationPoints}`)
  if (!(m.activityLevel >= t.minActivityLevel))
    failures.push(`activityLevel ${m.activityLevel} < ${t.minActivityLevel}`)
  if (!(m.compositeRankingPct <= t.maxCompositeRankingPct)) {
    failures.push(`compositeRankingPct ${m.compositeRankingPct} > ${t.maxCompositeRankingPct}`)
  }
  if (!(m.basicServiceScore >= t.minBasicServiceScore)) {
    failures.push(`basicServiceScore ${m.basicServiceScore} < ${t.minBasicServiceScore}`)
  }
  if (t.minExperienceScore !== undefined) {
    if (m.experienceScore === undefined) failures.push('experienceScore missing (002 score gate)')
    else if (!(m.experienceScore >= t.minExperienceScore))
      failures.push(`experienceScore ${m.experienceScore} < ${t.minExperienceScore}`)
  }
  return verdict(
    failures.length === 0,
    'REG-3',
    failures.length === 0 ? 'shop qualifies' : `shop does not qualify: ${failures.join('; ')}`,
    {
      failures,
    },
  )
}

/**
 * REG-4: every participating merchant must set the cross-store coupon (PRICE-3) with at least the
 * ruleset's discount at no more than its threshold.
 */
export function mandatoryCouponVerdict(
  reg: { crossStoreCoupon?: { thresholdFen: number; discountFen: number } },
  rs: Pick<Ruleset, 'crossStoreCoupon'>,
): Verdict {
  const want = rs.crossStoreCoupon
  const got = reg.crossStoreCoupon
  if (!got) return verdict(false, 'REG-4', 'registration has no cross-store coupon (PRICE-3)')
  if (got.thresholdFen > want.thresholdFen || got.discountFen < want.discountFen) {
    return verdict(
      false,
      'REG-4',
      `cross-store coupon ${got.thresholdFen}-${got.discountFen} fen is weaker than the required ${want.thresholdFen}-${want.discountFen} fen`,
    )
  }
  return verdict(true, 'REG-4', 'cross-store coupon set')
}

/**
 * REG-1..4 together for one SKU registration. Returns every verdict (failing or not) in rule order;
 * the registration is accepted when all are `ok`.
 */
export function checkRegistration(
  reg: SkuRegistration & {
    at: number
    shop: ShopMetrics
    crossStoreCoupon?: { thresholdFen: number; discountFen: number }
  },
  ctx: {
    calendar: Pick<Calendar, 'registration'>
    ruleset: Pick<Ruleset, 'registration' | 'crossStoreCoupon'>
    existing: ReadonlyArray<SkuRegistration>
  },
): Verdict[] {
  return [
    registrationWindowVerdict(reg.node, reg.at, ctx.calendar),
    waveConflictVerdict(reg, ctx.existing),
    eligibilityVerdict(reg.shop, ctx.ruleset),
    mandatoryCouponVerdict(reg, ctx.ruleset),
  ]
}
