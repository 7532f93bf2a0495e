import { formatSimInstant } from '../../clock.ts'
import type { PlatformConfig } from '../../config.ts'
import { fail, PlatformError } from '../../errors.ts'
import {
  apportionCrossStoreCoupon,
  type Calendar,
  type CartLine,
  pickupDeadline,
  type RegistrationNode,
} from '../../rules-port.ts'
import type { FulfilmentService } from '../fulfilment/service.ts'
import type { OrderState, PlatformState, ServiceDeps, SkuState } from '../state.ts'
import { orderView } from '../views.ts'

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
 * Decision PAY-3 (the oversell policy): may `quantity` more units of `s` be sold, and is the line
 * oversold? `strict` refuses past stock, `buffered` sells up to the buffer without marking it,
 * `lagging` sells against the merchant's last published stock and marks what passes physical stock.
 */
export function stockVerdict(
  config: PlatformConfig,
  s: SkuState,
  quantity: number,
): { ok: true; oversold: boolean } | { ok: false; reason: string } {
  const after = s.sold + quantity
  const stock = s.sku.stock
  const oversold = after > stock
  const policy = config.oversellPolicy
  if (policy === 'lagging' && quantity > s.sellable) {
    // Units sold inside the merchant's sync lag are offered again, so a burst between syncs sells
    // past physical stock.
    return {
      ok: false,
      reason: `${s.sku.id} has ${Math.max(0, s.sellable)} left in the merchant's last published stock`,
    }
  }
  if (oversold && policy === 'strict')
    return { ok: false, reason: `${s.sku.id} has ${Math.max(0, stock - s.sold)} left` }
  if (oversold && policy === 'buffered') {
    if (after > Math.floor(stock * (1 + config.oversellBuffer)))
      return { ok: false, reason: `${s.sku.id} buffer exhausted` }
    return { ok: true, oversold: false }
  }
  return { ok: true, oversold }
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
    const lines: Array<CartLine & { skuId: string; quantity: number; unitPriceFen: number }> = []
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
    const coupon = apportionCrossStoreCoupon(lines, at)
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

  /** Decision (checkout acceptance) for one cart line: SHIP-5 region, PAY-6 removal, PAY-3 stock. */
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
    if (s.sku.restrictedRegions.includes(region)) {
      this.reject(
        at,
        'PLAT_ERR_REGION',
        `items.${i}.skuId`,
        `${skuId} is not sold to ${region}`,
        skuId,
        buyerId,
      )
    }
    const m = this.state.merchant(s.merchantId)
    if (m.removed && kind === 'presale') {
      this.reject(
        at,
        'PLAT_ERR_MERCHANT_REMOVED',
        `items.${i}.skuId`,
        `merchant ${m.merchant.id} was removed`,
        skuId,
        buyerId,
      )
    }
    const stock = stockVerdict(this.deps.config, s, quantity)
    if (!stock.ok)
      this.reject(at, 'PLAT_ERR_OUT_OF_STOCK', `items.${i}.quantity`, stock.reason, skuId, buyerId)
    return { s, oversold: stock.oversold }
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
    this.fulfilment.setShipBy(o, pickupDeadline(at, s?.sku.contractShipHours ?? null))
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
   * The merchant publishes the units it still has to sell. Under `lagging` the platform reserves
   * against this figure from now on (less what it sells after); under `strict` and `buffered` the
   * platform holds the count itself and only records the publication.
   */
  publishStock(merchantId: string, skuId: string, available: number, at: number) {
    this.state.merchant(merchantId)
    const s = this.state.ownSku(merchantId, skuId)
    const policy = this.deps.config.oversellPolicy
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
