import {
  CHECKOUT_ACCEPTED_OVERSOLD,
  CHECKOUT_MERCHANT_REMOVED,
  CHECKOUT_NOT_REGISTERED,
  CHECKOUT_OUT_OF_STOCK,
  CHECKOUT_REGION,
  checkoutLine,
} from '@d11/order-flow/checkout'
import { pickupDeadlineAt } from '@d11/order-flow/deadline'
import { newDecision } from '@d11/order-flow/decision'
import { type CouponLine, crossStoreShares } from '@d11/order-flow/pricing'
import { type StockPolicy, stockPolicyFromLegacy } from '@d11/order-flow/stock-policy'
import type { Calendar, RegistrationNode } from '@d11/rules/calendar'
import { toShanghaiIsoSeconds as formatSimInstant } from '@d11/time/shanghai'
import type { PlatformConfig } from '../../config.ts'
import { fail, PlatformError } from '../../errors.ts'
import type { FulfilmentService } from '../fulfilment/service.ts'
import { flowRules, type OrderState, type PlatformState, type ServiceDeps, type SkuState } from '../state.ts'
import { orderView } from '../views.ts'

/** Error code of each checkout rejection. */
const REJECTION: Record<number, Parameters<typeof fail>[0]> = {
  [CHECKOUT_REGION]: 'PLAT_ERR_REGION',
  [CHECKOUT_NOT_REGISTERED]: 'PLAT_ERR_NOT_REGISTERED',
  [CHECKOUT_MERCHANT_REMOVED]: 'PLAT_ERR_MERCHANT_REMOVED',
  [CHECKOUT_OUT_OF_STOCK]: 'PLAT_ERR_OUT_OF_STOCK',
}

export interface PlaceOrderInput {
  buyerId: string
  region?: string
  kind: 'presale' | 'spot'
  items: Array<{ skuId: string; quantity: number }>
}

type Phase = { kind: OrderState['kind']; wave: 0 | 1 | 2 }

/** Decision CAL-1: the sales phase (presale or spot of a wave, else daily) an order placed at `at` falls in. */
export function salesPhase(calendar: Calendar, kind: 'presale' | 'spot', at: number): Phase {
  for (const [i, w] of calendar.waves.entries()) {
    const wave = (i + 1) as 1 | 2
    if (kind === 'presale' && at >= w.presale.opens && at < w.presale.finalPaymentOpens) return { kind, wave }
    if (kind === 'spot' && at >= w.spot.opens && at < w.spot.closes) return { kind, wave }
  }
  if (kind === 'presale')
    fail('PLAT_ERR_PAYMENT_WINDOW', 'kind', `no presale phase is open at ${formatSimInstant(at)}`)
  return { kind: 'daily', wave: 0 }
}

/** Unit price in force for a SKU in a phase: the registered campaign price, else the current price. */
export function unitPrice(s: SkuState, kind: OrderState['kind'], wave: 0 | 1 | 2): number {
  if (kind === 'daily' || wave === 0) return s.priceFen
  const node = `wave${wave}${kind === 'presale' ? 'Presale' : 'Spot'}` as RegistrationNode
  const reg = s.registrations.get(node)
  if (!reg) {
    if (kind === 'presale')
      fail('PLAT_ERR_NOT_REGISTERED', 'items.skuId', `${s.sku.id} is not registered for ${node}`)
    return s.priceFen
  }
  return Math.min(reg.campaignPriceFen, s.priceFen)
}

/**
 * The stock policy merchant `merchantId` sells under, in @d11/order-flow's vocabulary: its own
 * (`merchantStockPolicies`), else the platform's default (old config names keep their meaning).
 */
export function stockPolicy(config: PlatformConfig, merchantId?: string): StockPolicy {
  const own = merchantId === undefined ? undefined : config.merchantStockPolicies?.[merchantId]
  if (own) return own
  return stockPolicyFromLegacy({
    policy: config.oversellPolicy,
    oversellBuffer: config.oversellBuffer,
    ...(config.oversellShare === undefined ? {} : { oversellShare: config.oversellShare }),
  })
}

/** Checkout: quote (PRICE-3/4), place order (registration, SHIP-5, stock), pay (CAL-1), stock sync. */
export class CheckoutService {
  constructor(
    private readonly state: PlatformState,
    private readonly deps: ServiceDeps,
    private readonly fulfilment: FulfilmentService,
  ) {}

  quote(input: PlaceOrderInput, at: number) {
    const ph = salesPhase(this.deps.calendar, input.kind, at)
    const lines: Array<
      CouponLine & { merchantId: string; skuId: string; quantity: number; unitPriceFen: number }
    > = []
    for (const [i, it] of input.items.entries()) {
      const s = this.state.sku(it.skuId, `items.${i}.skuId`)
      const unit = unitPrice(s, ph.kind, ph.wave)
      lines.push({
        key: String(i),
        merchantId: s.merchantId,
        amountFen: unit * it.quantity,
        couponEligible: this.state.merchants.get(s.merchantId)?.merchant.crossStoreCoupon ?? false,
        skuId: it.skuId,
        quantity: it.quantity,
        unitPriceFen: unit,
      })
    }
    const coupon = crossStoreShares(lines, at, flowRules(this.deps))
    const out = lines.map((l) => {
      const couponFen = coupon.perLine.get(l.key) ?? 0
      return {
        skuId: l.skuId,
        merchantId: l.merchantId,
        quantity: l.quantity,
        unitPriceFen: l.unitPriceFen,
        amountFen: l.amountFen,
        couponFen,
        toHandFen: l.amountFen - couponFen,
      }
    })
    const totalFen = lines.reduce((a, l) => a + l.amountFen, 0)
    return {
      kind: ph.kind,
      wave: ph.wave,
      lines: out,
      totalFen,
      couponFen: coupon.discountFen,
      toHandFen: totalFen - coupon.discountFen,
      ruleIds: ['PRICE-3', 'PRICE-4'],
    }
  }

  placeOrder(input: PlaceOrderInput, at: number) {
    const buyer =
      this.state.buyers.get(input.buyerId) ??
      fail('PLAT_ERR_NOT_FOUND', 'buyerId', `no buyer ${input.buyerId}`)
    const region = input.region ?? buyer.region
    const q = this.quote(input, at)
    // Check every line before reserving anything: a checkout is accepted whole or not at all.
    const reserve = q.lines.map((line, i) =>
      this.acceptLine(input.buyerId, region, q.kind, line.skuId, line.quantity, i, at),
    )
    const checkoutId = this.state.nextId('c')
    const orders = q.lines.map((line, i) => {
      const { s, oversold } = reserve[i]!
      s.sold += line.quantity
      s.sellable -= line.quantity
      const o = this.newOrder(checkoutId, input.buyerId, region, q, line, s, oversold, at)
      this.state.orders.set(o.id, o)
      this.state.merchants.get(o.merchantId)?.orderIds.push(o.id)
      if (o.kind === 'presale') {
        const list = this.state.presaleOrdersBySku.get(o.skuId)
        if (list) list.push(o.id)
        else this.state.presaleOrdersBySku.set(o.skuId, [o.id])
      }
      this.deps.sink.event({
        kind: 'order.placed',
        simTime: at,
        merchantId: o.merchantId,
        orderId: o.id,
        skuId: o.skuId,
        buyerId: o.buyerId,
        amountFen: o.payableFen,
        ruleId: oversold ? 'PAY-3' : '',
        detail: {
          checkoutId,
          kind: o.kind,
          wave: o.wave,
          quantity: o.quantity,
          couponFen: o.couponFen,
          oversold,
        },
      })
      return orderView(o)
    })
    return { checkoutId, toHandFen: q.toHandFen, couponFen: q.couponFen, orders }
  }

  /**
   * Checkout acceptance of one cart line (@d11/order-flow `checkoutLine`): SHIP-5 region (restricted
   * or not a region of this world), PAY-6 removal, PAY-3 stock under the policy. `lagging` sells
   * against the merchant's last published stock; every unit beyond physical stock is oversold.
   */
  private acceptLine(
    buyerId: string,
    region: string,
    kind: OrderState['kind'],
    skuId: string,
    quantity: number,
    i: number,
    at: number,
  ): { s: SkuState; oversold: boolean } {
    const s = this.state.sku(skuId)
    const m = this.state.merchant(s.merchantId)
    const policy = stockPolicy(this.deps.config, s.merchantId)
    const lagging = policy.reservation === 'lagging'
    const d = checkoutLine(
      {
        presale: kind === 'presale',
        // the price look-up (quote) already refused an unregistered presale line
        registered: true,
        merchantRemoved: m.removed,
        region,
        restrictedRegions: s.sku.restrictedRegions,
        knownRegions: this.state.knownRegions(),
        requested: quantity,
        knownSold: lagging ? 0 : s.sold,
        basisUnits: lagging ? s.sellable : s.sku.stock,
        soldAfter: s.sold + quantity,
        physicalUnits: s.sku.stock,
        policy: lagging ? { ...policy, oversellShare: 0 } : policy,
      },
      at,
      flowRules(this.deps),
      newDecision(),
    )
    if (!d.ok) {
      const field = d.code === CHECKOUT_OUT_OF_STOCK ? `items.${i}.quantity` : `items.${i}.skuId`
      const code = REJECTION[d.code] ?? 'PLAT_ERR_OUT_OF_STOCK'
      this.reject(at, code, field, `${skuId}: ${d.reason} (${region})`, skuId, buyerId)
    }
    return { s, oversold: d.code === CHECKOUT_ACCEPTED_OVERSOLD }
  }

  private newOrder(
    checkoutId: string,
    buyerId: string,
    region: string,
    q: ReturnType<CheckoutService['quote']>,
    line: ReturnType<CheckoutService['quote']>['lines'][number],
    s: SkuState,
    oversold: boolean,
    at: number,
  ): OrderState {
    return {
      id: this.state.nextId('o'),
      checkoutId,
      buyerId,
      merchantId: line.merchantId,
      skuId: line.skuId,
      quantity: line.quantity,
      region,
      kind: q.kind,
      wave: q.wave,
      unitPriceFen: line.unitPriceFen,
      couponFen: line.couponFen,
      payableFen: line.toHandFen,
      depositFen: q.kind === 'presale' ? Math.min(line.toHandFen, s.sku.depositFen * line.quantity) : 0,
      paidFen: 0,
      status: 'created',
      createdAt: at,
      paidAt: 0,
      shipBy: 0,
      pickedUpAt: 0,
      tracedAt: 0,
      late: false,
      oversold,
      delayReported: false,
      compensatedFen: 0,
      protectedUnitFen: 0,
      pickup: undefined,
      trace: undefined,
    }
  }

  /** Record the refused checkout (`order.rejected` with the rule) and throw it. */
  private reject(
    at: number,
    code: Parameters<typeof fail>[0],
    field: string,
    msg: string,
    skuId: string,
    buyerId: string,
  ): never {
    const err = new PlatformError(code, field, msg)
    this.deps.sink.event({
      kind: 'order.rejected',
      simTime: at,
      skuId,
      buyerId,
      ruleId: err.ruleId,
      detail: { code },
    })
    throw err
  }

  pay(orderId: string, stage: 'deposit' | 'final' | 'spot', at: number) {
    const o = this.state.order(orderId)
    if (stage === 'deposit') return this.payDeposit(o, at)
    if (stage === 'spot') {
      if (o.kind === 'presale' || o.status !== 'created') {
        fail(
          'PLAT_ERR_ORDER_STATE',
          'stage',
          `order ${o.id} (${o.kind}, ${o.status}) cannot take a spot payment`,
        )
      }
    } else {
      if (o.kind !== 'presale' || o.status !== 'deposit_paid') {
        fail(
          'PLAT_ERR_ORDER_STATE',
          'stage',
          `order ${o.id} (${o.kind}, ${o.status}) cannot take a final payment`,
        )
      }
      this.checkFinalPaymentWindow(o, at)
    }
    o.paidFen = o.payableFen
    o.status = 'paid'
    o.paidAt = at
    const s = this.state.skus.get(o.skuId)
    this.fulfilment.setShipBy(
      o,
      pickupDeadlineAt(at, o.createdAt, s?.sku.contractShipHours ?? 0, flowRules(this.deps)),
    )
    this.deps.sink.event({
      kind: 'order.paid',
      simTime: at,
      merchantId: o.merchantId,
      orderId: o.id,
      skuId: o.skuId,
      buyerId: o.buyerId,
      amountFen: o.paidFen,
      detail: { shipBy: o.shipBy },
    })
    this.deps.push(o.merchantId, 'order.paid', orderView(o))
    return orderView(o)
  }

  private payDeposit(o: OrderState, at: number) {
    if (o.kind !== 'presale' || o.status !== 'created') {
      fail('PLAT_ERR_ORDER_STATE', 'stage', `order ${o.id} (${o.kind}, ${o.status}) cannot take a deposit`)
    }
    o.paidFen = o.depositFen
    o.status = 'deposit_paid'
    this.deps.sink.event({
      kind: 'order.deposit_paid',
      simTime: at,
      merchantId: o.merchantId,
      orderId: o.id,
      skuId: o.skuId,
      buyerId: o.buyerId,
      amountFen: o.depositFen,
    })
    return orderView(o)
  }

  /** Decision CAL-1: a presale's final payment only inside its wave's final-payment window. */
  private checkFinalPaymentWindow(o: OrderState, at: number): void {
    const w = this.deps.calendar.waves[o.wave === 2 ? 1 : 0].presale
    if (at < w.finalPaymentOpens || at >= w.finalPaymentCloses) {
      fail(
        'PLAT_ERR_PAYMENT_WINDOW',
        'stage',
        `final payment of wave ${o.wave} is open ${formatSimInstant(w.finalPaymentOpens)} to ${formatSimInstant(w.finalPaymentCloses)}`,
      )
    }
  }

  /**
   * The merchant publishes the units it still has to sell. Under its `lagging` policy the platform
   * reserves against this figure from now on (less what it sells after); under `strict` (a signed
   * oversellShare included) the platform holds the count itself and only records the publication.
   */
  publishStock(merchantId: string, skuId: string, available: number, at: number) {
    this.state.merchant(merchantId)
    const s = this.state.ownSku(merchantId, skuId)
    const policy = stockPolicy(this.deps.config, merchantId).reservation
    const effective = policy === 'lagging'
    if (effective) s.sellable = available
    s.publishedAt = at
    this.deps.sink.event({
      kind: 'stock.published',
      simTime: at,
      merchantId,
      skuId,
      ruleId: 'PAY-3',
      detail: { available, policy, effective, sold: s.sold, physical: s.sku.stock },
    })
    return {
      skuId,
      available,
      policy,
      effective,
      sellable: effective ? s.sellable : Math.max(0, s.sku.stock - s.sold),
      sold: s.sold,
      publishedAt: formatSimInstant(at),
    }
  }
}
