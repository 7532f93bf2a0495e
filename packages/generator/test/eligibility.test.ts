import { getCalendar } from '@d11/rules/calendar'
import { experienceScore } from '@d11/rules/experience'
import { DAILY, type PricePoint, validateCampaignPrice } from '@d11/rules/price'
import {
  checkRegistration,
  eligibilityVerdict,
  type ShopMetrics,
  type SkuRegistration,
} from '@d11/rules/registration'
import { rulesetAt } from '@d11/rules/ruleset'
import { DAY_MS } from '@d11/time/shanghai'
import { describe, expect, it } from 'vitest'
import type { Merchant, Registration, Sku } from '../src/entities.ts'
import { entityIndex } from '../src/entities.ts'
import { World } from '../src/world.ts'

// Every merchant and registration of seed 42 `tiny`, judged by the real verdict functions of
// @d11/rules with the ruleset in force at each registration's time, as the mock platform does:
// REG-1..4 (checkRegistration, accepted registrations so far as `existing`) and PRICE-1/2.
const cal = getCalendar('2022')
const world = new World({ seed: 42, scale: 'tiny', calendar: '2022' })
const merchants: Merchant[] = []
for (let m = 0; m < world.counts.merchants; m++) merchants.push(world.merchant(m))

/** The platform maps the world's 0..1 ranking to the rule's percentile. */
function shop(m: Merchant): ShopMetrics {
  return {
    violationPoints: m.violationPoints,
    activityLevel: m.activityLevel,
    compositeRankingPct: m.compositeRanking * 100,
    basicServiceScore: m.basicServiceScore,
  }
}

function history(sku: Sku): PricePoint[] {
  const start = Date.parse(`${sku.dailyPrices.start}T00:00:00+08:00`)
  return [
    ...sku.dailyPrices.pricesFen.map((priceFen, d) => ({ kind: DAILY, priceFen, at: start + d * DAY_MS })),
    ...sku.campaignPrices.map((c) => ({ kind: c.campaign, priceFen: c.priceFen, at: Date.parse(c.from) })),
  ]
}

describe('REG-3 calibration, seed 42 tiny', () => {
  it('makes the deliberately ineligible merchants fail exactly their named threshold, the rest pass', () => {
    const at = cal.registration.nodes.wave1Presale.opens
    for (const m of merchants) {
      const v = eligibilityVerdict(shop(m), rulesetAt(at))
      expect(v.ruleId).toBe('REG-3')
      expect(v.ok, `${m.id} ${v.reason}`).toBe(m.expectedRejection !== 'REG-3')
      if (m.expectedRejection === 'REG-3') {
        expect(v.failures, m.id).toHaveLength(1)
        const metric = {
          maxViolationPoints: 'violationPoints',
          minActivityLevel: 'activityLevel',
          maxCompositeRankingPct: 'compositeRankingPct',
          minBasicServiceScore: 'basicServiceScore',
        }[m.failsThreshold!]
        expect(v.failures[0]!.split(' ')[0]).toBe(metric)
      } else expect(m.failsThreshold).toBeNull()
    }
  })

  it('uses the rule scales: activity 0..5, basic service 0..5, ranking 0..1', () => {
    for (const m of merchants) {
      expect(m.activityLevel).toBeGreaterThanOrEqual(0)
      expect(m.activityLevel).toBeLessThanOrEqual(5)
      expect(m.basicServiceScore).toBeLessThanOrEqual(5)
      expect(m.compositeRanking).toBeLessThan(1)
    }
  })

  it('honours ineligibleMerchantShare (0 → every merchant eligible)', () => {
    const none = new World({ seed: 42, scale: 'tiny', calendar: '2022', ineligibleMerchantShare: 0 })
    for (let m = 0; m < none.counts.merchants; m++) {
      expect(eligibilityVerdict(shop(none.merchant(m)), rulesetAt(cal.registration.opens)).ok).toBe(true)
    }
    const all = new World({ seed: 42, scale: 'tiny', calendar: '2022', ineligibleMerchantShare: 0.97 })
    expect(all.merchant(3).expectedRejection).toBe('REG-3')
    expect(() => new World({ seed: 1, scale: 'tiny', calendar: '2022', ineligibleMerchantShare: 2 })).toThrow(
      /--ineligible-share.*REG-3/,
    )
  })
})

describe('registrations judged by @d11/rules, seed 42 tiny', () => {
  it('accepts every registration meant valid and rejects each invalid one with exactly its rule ID', () => {
    const accepted: SkuRegistration[] = []
    const seen = new Map<string, number>()
    const n = world.counts.registrations
    let lastSku: Sku | undefined
    for (let i = 0; i < n; i++) {
      const r: Registration = world.registration(i)
      const m = merchants[entityIndex(r.merchantId)]!
      if (lastSku?.id !== r.skuId) lastSku = world.sku(entityIndex(r.skuId))
      const at = Date.parse(r.submittedAt)
      const rs = rulesetAt(at)
      const verdicts = [
        ...checkRegistration(
          {
            merchantId: r.merchantId,
            skuId: r.skuId,
            node: r.node,
            at,
            shop: shop(m),
            crossStoreCoupon: r.crossStoreCoupon && m.crossStoreCoupon ? rs.crossStoreCoupon : undefined,
          },
          { calendar: cal, ruleset: rs, existing: accepted },
        ),
        validateCampaignPrice(
          { campaign: r.campaign, priceFen: r.campaignPriceFen, at, history: history(lastSku) },
          rs,
        ),
      ]
      const failed = verdicts.filter((v) => !v.ok).map((v) => v.ruleId)
      expect(failed, `${r.id} ${verdicts.map((v) => v.reason).join(' | ')}`).toEqual(
        r.expectedRejection === null ? [] : [r.expectedRejection],
      )
      if (failed.length === 0) accepted.push(r)
      seen.set(r.expectedRejection ?? 'valid', (seen.get(r.expectedRejection ?? 'valid') ?? 0) + 1)
    }
    // Every deliberate kind is exercised, REG-3 from the ineligible merchants among them.
    expect([...seen.keys()].sort()).toEqual(['PRICE-2', 'REG-1', 'REG-2', 'REG-3', 'REG-4', 'valid'])
    expect(seen.get('valid')! / n).toBeGreaterThan(0.7)
  })
})

describe('REG-3 calibration in 2024, where 002 gates admission on the EXP-3 score', () => {
  it('every merchant clears the score gate; those meant to fail REG-3 fail exactly their named threshold', () => {
    const cal2024 = getCalendar('2024')
    const world2024 = new World({ seed: 42, scale: 'tiny', calendar: '2024' })
    const at = cal2024.registration.nodes.wave1Presale.opens
    const rs = rulesetAt(at)
    expect(rs.registration.eligibility.minExperienceScore).toBeDefined()
    for (let i = 0; i < world2024.counts.merchants; i++) {
      const m = world2024.merchant(i)
      const e = m.experience
      const score = experienceScore({ ...e, manualResponseSeconds: e.manualResponseSec }, rs).score
      const v = eligibilityVerdict({ ...shop(m), experienceScore: score }, rs)
      expect(v.ok, `${m.id} ${v.reason}`).toBe(m.expectedRejection !== 'REG-3')
      if (m.expectedRejection === 'REG-3') expect(v.failures, m.id).toHaveLength(1)
    }
  })
})
