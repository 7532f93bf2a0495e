import { priceProtection, spotUndercut } from '@d11/order-flow/after-sale'
import { newDecision } from '@d11/order-flow/decision'
import { crossStoreShares } from '@d11/order-flow/pricing'
import { fail } from '../../errors.ts'
import { unitPrice } from '../checkout/service.ts'
import { flowRules, type OrderState, type PlatformState, type ServiceDeps, type SkuState } from '../state.ts'

type Perk = { name: string; valueFen: number }

const perksFen = (perks: Perk[]) => perks.reduce((a, p) => a + p.valueFen, 0)

/** Price changes and price protection (PRICE-5). */
export class PriceProtectionService {
  constructor(
    private readonly state: PlatformState,
    private readonly deps: ServiceDeps,
  ) {}

  /**
   * Change a SKU's price or perks. During a spot phase, on a SKU registered for presale and spot,
   * every earlier presale buyer whose to-hand unit price is above the new spot to-hand price (perks
   * counted as a cut) is owed the difference (PRICE-5, @d11/order-flow `spotUndercut`).
   */
  changePrice(merchantId: string, skuId: string, input: { priceFen?: number; perks?: Perk[] }, at: number) {
    const s = this.state.ownSku(merchantId, skuId)
    const before = this.unitPriceNow(s, at)
    const perkBefore = perksFen(s.perks)
    if (input.priceFen !== undefined) s.priceFen = input.priceFen
    if (input.perks !== undefined) s.perks = input.perks
    const after = this.unitPriceNow(s, at)
    const perkAfter = perksFen(s.perks)
    this.deps.sink.event({
      kind: 'price.changed',
      simTime: at,
      merchantId,
      skuId,
      amountFen: s.priceFen,
      detail: { before, after, perkBefore, perkAfter },
    })
    const toHandNow = this.toHandUnitNow(s, at)
    let owedFen = 0
    let buyers = 0
    if (this.presaleBuyersOwed(s, at)) {
      const orders = (this.state.presaleOrdersBySku.get(skuId) ?? [])
        .map((id) => this.state.orders.get(id))
        .filter((o): o is OrderState => o !== undefined && o.status !== 'refunded' && o.status !== 'created')
      const byId = new Map(orders.map((o) => [o.id, o]))
      const owed = spotUndercut({
        presaleOrders: orders.map((o) => ({
          orderId: o.id,
          unitToHandFen: this.paidUnitToHand(o),
          quantity: o.quantity,
        })),
        spotUnitToHandFen: toHandNow,
        spotPerksFen: perkAfter,
      })
      for (const p of owed) {
        const o = byId.get(p.orderId)!
        o.protectedUnitFen += p.amountFen / o.quantity
        owedFen += p.amountFen
        buyers += 1
        this.payOut(o, p.amountFen, at)
      }
    }
    return {
      skuId,
      priceFen: s.priceFen,
      toHandUnitFen: toHandNow,
      owedFen,
      buyersOwed: buyers,
      ruleId: 'PRICE-5',
    }
  }

  /** PRICE-4: what the buyer paid per unit, to hand, less what price protection already paid back. */
  private paidUnitToHand(o: OrderState): number {
    return Math.floor(o.payableFen / o.quantity) - o.protectedUnitFen
  }

  /** Decision PRICE-5: a cut during a spot phase owes presale buyers of a SKU registered for presale and spot. */
  private presaleBuyersOwed(s: SkuState, at: number): boolean {
    const inSpot = this.deps.calendar.waves.some((w) => at >= w.spot.opens && at < w.spot.closes)
    const r = s.registrations
    const both =
      (r.has('wave1Presale') || r.has('wave2Presale')) && (r.has('wave1Spot') || r.has('wave2Spot'))
    return inSpot && both
  }

  /** The unit price a buyer would pay now: the spot campaign price inside a spot phase, else the current price. */
  private unitPriceNow(s: SkuState, at: number): number {
    for (const [i, w] of this.deps.calendar.waves.entries()) {
      if (at >= w.spot.opens && at < w.spot.closes) return unitPrice(s, 'spot', (i + 1) as 1 | 2)
    }
    return s.priceFen
  }

  /**
   * PRICE-5 claim (@d11/order-flow `priceProtection`): the buyer is owed (paid to-hand unit price −
   * current to-hand unit price) × quantity, inside the ruleset's protection window after payment.
   */
  claimPriceProtection(orderId: string, at: number) {
    const o = this.state.order(orderId)
    if (o.status === 'created' || o.status === 'refunded')
      fail('PLAT_ERR_ORDER_STATE', 'orderId', `order ${o.id} is ${o.status}`)
    const s = this.state.sku(o.skuId)
    const paidUnit = this.paidUnitToHand(o)
    const nowUnit = this.toHandUnitNow(s, at)
    const d = priceProtection(
      { paidUnitToHandFen: paidUnit, paidAt: o.paidAt, currentUnitToHandFen: nowUnit, quantity: o.quantity },
      at,
      flowRules(this.deps),
      newDecision(),
    )
    if (!d.ok) fail('PLAT_ERR_PRICE_PROTECTION', 'orderId', d.reason)
    this.payOut(o, d.amountFen, at)
    o.protectedUnitFen += paidUnit - nowUnit
    return { orderId: o.id, amountFen: d.amountFen, ruleId: d.ruleId }
  }

  /** PRICE-4: the to-hand price of one unit bought now: the unit price less its cross-store coupon share. */
  private toHandUnitNow(s: SkuState, at: number): number {
    const unit = this.unitPriceNow(s, at)
    const couponEligible = this.state.merchants.get(s.merchantId)?.merchant.crossStoreCoupon ?? false
    const coupon = crossStoreShares([{ key: '0', amountFen: unit, couponEligible }], at, flowRules(this.deps))
    return unit - (coupon.perLine.get('0') ?? 0)
  }

  private payOut(o: OrderState, amountFen: number, at: number): void {
    this.deps.sink.payout({
      merchant_id: o.merchantId,
      order_id: o.id,
      sku_id: o.skuId,
      cause: 'price_protection',
      rule_id: 'PRICE-5',
      amount_fen: amountFen,
      wave: o.wave,
      sim_time: at,
    })
    this.state.merchant(o.merchantId).payoutsFen += amountFen
  }
}
