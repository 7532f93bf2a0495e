import type { Registration } from '@d11/generator/entities'
import { newDecision } from '@d11/order-flow/decision'
import { campaignPriceDecision, pricePoints } from '@d11/order-flow/pricing'
import { registrationDecision } from '@d11/order-flow/registration'
import { experienceScoreAt } from '@d11/order-flow/sla'
import type { RegistrationNode } from '@d11/rules/calendar'
import { fail, PlatformError } from '../../errors.ts'
import {
  flowRules,
  type MerchantState,
  type PlatformState,
  type ServiceDeps,
  type SkuState,
} from '../state.ts'

/** Error code of each registration rule. */
const REGISTRATION_ERROR: Record<string, Parameters<typeof fail>[0]> = {
  'REG-1': 'PLAT_ERR_REG_WINDOW',
  'REG-2': 'PLAT_ERR_REG_WAVE_CONFLICT',
  'REG-3': 'PLAT_ERR_REG_ELIGIBILITY',
  'REG-4': 'PLAT_ERR_REG_COUPON',
}

export interface RegistrationInput {
  skuId: string
  node: RegistrationNode
  campaignPriceFen: number
  crossStoreCoupon: boolean
}

/** Campaign registration (REG-1..4) and campaign price validation (PRICE-1/2). */
export class RegistrationService {
  constructor(
    private readonly state: PlatformState,
    private readonly deps: ServiceDeps,
  ) {}

  /** Register a SKU for a campaign node at simulated instant `at`; throws the violated rule. */
  register(
    merchantId: string,
    input: RegistrationInput,
    at: number,
  ): { registrationId: string; ceilingFen: number | null } {
    const m = this.state.merchant(merchantId)
    const s = this.state.sku(input.skuId)
    try {
      const ceilingFen = this.checkRegistration(m, s, input, at)
      const id = this.state.nextId('reg')
      s.registrations.set(input.node, { campaignPriceFen: input.campaignPriceFen, at, id })
      this.deps.sink.event({
        kind: 'registration.accepted',
        simTime: at,
        merchantId,
        skuId: input.skuId,
        amountFen: input.campaignPriceFen,
        detail: { node: input.node, registrationId: id },
      })
      return { registrationId: id, ceilingFen }
    } catch (err) {
      if (err instanceof PlatformError) {
        this.deps.sink.event({
          kind: 'registration.rejected',
          simTime: at,
          merchantId,
          skuId: input.skuId,
          ruleId: err.ruleId,
          detail: { node: input.node, code: err.code },
        })
      }
      throw err
    }
  }

  /**
   * REG-1..4 (@d11/order-flow `registrationDecision`, REG-3 with the shop's EXP-3 score where 002's
   * gate is in force), then PRICE-1/2; throws the first broken rule, else returns the price ceiling.
   */
  private checkRegistration(m: MerchantState, s: SkuState, input: RegistrationInput, at: number) {
    const merchantId = m.merchant.id
    if (s.merchantId !== merchantId) fail('PLAT_ERR_FORBIDDEN', 'skuId', `SKU ${input.skuId} is not yours`)
    if (m.removed) fail('PLAT_ERR_MERCHANT_REMOVED', 'merchantId', `merchant ${merchantId} was removed`)
    const rules = flowRules(this.deps)
    const e = m.merchant.experience
    const score = e
      ? experienceScoreAt({ ...e, manualResponseSeconds: e.manualResponseSec }, at, rules)
      : null
    // REG-4 is per merchant: the merchant's own setting (the registration's flag stands in for it in
    // worlds without that field), and the registration must carry it too
    const merchantCoupon = (m.merchant.crossStoreCoupon as boolean | undefined) ?? input.crossStoreCoupon
    const d = registrationDecision(
      {
        merchantId,
        skuId: input.skuId,
        node: input.node,
        shop: {
          violationPoints: m.merchant.violationPoints,
          activityLevel: m.merchant.activityLevel,
          // the world's composite ranking is 0..1, the rule's a percentile
          compositeRankingPct: m.merchant.compositeRanking * 100,
          basicServiceScore: m.merchant.basicServiceScore,
          ...(score === null ? {} : { experienceScore: score }),
        },
        crossStoreCoupon: merchantCoupon && input.crossStoreCoupon,
      },
      [...s.registrations.keys()].map((node) => ({ merchantId, skuId: input.skuId, node })),
      at,
      rules,
      newDecision(),
    )
    if (!d.ok) {
      const who = d.ruleId === 'REG-4' && !merchantCoupon ? ` (merchant ${merchantId} has not set it)` : ''
      fail(REGISTRATION_ERROR[d.ruleId] ?? 'PLAT_ERR_REG_WINDOW', d.field, `${d.reason}${who}`)
    }
    const price = campaignPriceDecision('double11', input.campaignPriceFen, pricePoints(s.sku), at, rules)
    if (!price.ok)
      fail('PLAT_ERR_PRICE_TIER', 'campaignPriceFen', `${price.reason} [ruleset ${price.ruleset}]`)
    return price.ceilingFen
  }

  /** Apply a world registration row at its own submission time; returns the rule it broke, if any. */
  applyRegistration(r: Registration): string | null {
    try {
      this.register(
        r.merchantId,
        {
          skuId: r.skuId,
          node: r.node,
          campaignPriceFen: r.campaignPriceFen,
          crossStoreCoupon: r.crossStoreCoupon,
        },
        Date.parse(r.submittedAt),
      )
      return null
    } catch (err) {
      if (err instanceof PlatformError) return err.ruleId || err.code
      throw err
    }
  }

  /** PRICE-1/2 check of a price for any campaign against the SKU's earlier campaign and daily prices. */
  priceCheck(skuId: string, campaign: string, priceFen: number, at: number) {
    const s = this.state.sku(skuId)
    const v = campaignPriceDecision(campaign, priceFen, pricePoints(s.sku), at, flowRules(this.deps))
    return {
      ok: v.ok,
      ceilingFen: v.ceilingFen,
      source: v.source,
      ruleId: v.ruleId,
      reason: v.reason,
      ruleset: v.ruleset,
    }
  }
}
