import type { Registration } from '@d11/generator/entities'
import { formatSimInstant } from '../../clock.ts'
import { fail, PlatformError } from '../../errors.ts'
import { campaignPriceCheck, eligibility, priceHistory, type RegistrationNode } from '../../rules-port.ts'
import type { MerchantState, PlatformState, ServiceDeps, SkuState } from '../state.ts'

export interface RegistrationInput {
  skuId: string
  node: RegistrationNode
  campaignPriceFen: number
  crossStoreCoupon: boolean
}

/** A spot and a presale node of different waves exclude each other for one SKU. */
const WAVE_CONFLICT: Partial<Record<RegistrationNode, RegistrationNode>> = {
  wave1Spot: 'wave2Presale',
  wave2Presale: 'wave1Spot',
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

  /** Every registration rule in order; throws the first broken one, else returns the PRICE-1/2 ceiling. */
  private checkRegistration(m: MerchantState, s: SkuState, input: RegistrationInput, at: number) {
    const merchantId = m.merchant.id
    if (s.merchantId !== merchantId) fail('PLAT_ERR_FORBIDDEN', 'skuId', `SKU ${input.skuId} is not yours`)
    if (m.removed) fail('PLAT_ERR_MERCHANT_REMOVED', 'merchantId', `merchant ${merchantId} was removed`)
    this.checkWindow(input.node, at)
    const elig = eligibility(m.merchant, at)
    if (!elig.ok) fail('PLAT_ERR_REG_ELIGIBILITY', elig.field, elig.reason)
    this.checkCrossStoreCoupon(m, input)
    const other = WAVE_CONFLICT[input.node]
    if (other && s.registrations.has(other)) {
      fail('PLAT_ERR_REG_WAVE_CONFLICT', 'node', `${input.skuId} is already registered for ${other}`)
    }
    const price = campaignPriceCheck('double11', input.campaignPriceFen, at, priceHistory(s.sku))
    if (!price.ok)
      fail('PLAT_ERR_PRICE_TIER', 'campaignPriceFen', `${price.reason} [ruleset ${price.ruleset}]`)
    return price.ceilingFen
  }

  /** Decision REG (calendar): the node's registration window must be open at `at`. */
  private checkWindow(node: RegistrationNode, at: number): void {
    const win = this.deps.calendar.registration.nodes[node]
    if (at < win.opens || at >= win.closes) {
      fail(
        'PLAT_ERR_REG_WINDOW',
        'node',
        `${node} registration is open ${formatSimInstant(win.opens)} to ${formatSimInstant(win.closes)}, not at ${formatSimInstant(at)}`,
      )
    }
  }

  /**
   * Decision REG-4 is per merchant: every participating merchant sets the coupon. The merchant's own
   * setting decides (the registration's flag stands in for it in worlds without that field), and the
   * registration must carry it too.
   */
  private checkCrossStoreCoupon(m: MerchantState, input: RegistrationInput): void {
    const merchantCoupon = (m.merchant.crossStoreCoupon as boolean | undefined) ?? input.crossStoreCoupon
    if (!merchantCoupon) {
      fail(
        'PLAT_ERR_REG_COUPON',
        'crossStoreCoupon',
        `merchant ${m.merchant.id} has not set the 300-40 cross-store coupon: every participating merchant must`,
      )
    }
    if (!input.crossStoreCoupon) {
      fail('PLAT_ERR_REG_COUPON', 'crossStoreCoupon', 'set the 300-40 cross-store coupon before registering')
    }
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
    const v = campaignPriceCheck(campaign, priceFen, at, priceHistory(s.sku))
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
