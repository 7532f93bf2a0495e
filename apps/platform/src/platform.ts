import { REGIONS } from '@d11/generator/config'
import type { Buyer, Merchant, Registration, Sku } from '@d11/generator/entities'
import { shanghaiDay } from '@d11/rules/time'
import { formatSimInstant } from './clock.ts'
import type { PlatformConfig } from './config.ts'
import { fail, PlatformError } from './errors.ts'
import {
  apportionCrossStoreCoupon,
  type Calendar,
  type CartLine,
  campaignPriceCheck,
  compensationFen,
  deadlineFigures,
  eligibility,
  experience,
  freeShippingClaim,
  inNoAutoCompensationWindow,
  massDelayLevel,
  pickupDeadline,
  priceHistory,
  type RegistrationNode,
  serviceThresholds,
} from './rules-port.ts'
import type { Deadline, Scheduler } from './scheduler.ts'
import type { EventSink } from './sink.ts'

const HOUR = 3_600_000
const DAY = 86_400_000

export type OrderStatus = 'created' | 'deposit_paid' | 'paid' | 'picked_up' | 'refunded'

/** One sub-order: one SKU of one merchant (a checkout is split by merchant and SKU). */
export interface OrderState {
  id: string
  checkoutId: string
  buyerId: string
  merchantId: string
  skuId: string
  quantity: number
  region: string
  kind: 'presale' | 'spot' | 'daily'
  wave: 0 | 1 | 2
  unitPriceFen: number
  couponFen: number
  /** to-hand amount (PRICE-4) */
  payableFen: number
  depositFen: number
  paidFen: number
  status: OrderStatus
  createdAt: number
  paidAt: number
  shipBy: number
  pickedUpAt: number
  tracedAt: number
  late: boolean
  oversold: boolean
  delayReported: boolean
  compensatedFen: number
  pickup: Deadline | undefined
  trace: Deadline | undefined
}

export interface SkuState {
  sku: Sku
  merchantId: string
  priceFen: number
  perks: Array<{ name: string; valueFen: number }>
  sold: number
  /**
   * Units the platform still offers under the `lagging` policy: the merchant's last published
   * stock (`PUT /merchant/:id/skus/:skuId/stock`) less the units sold since; the world's stock
   * until the merchant publishes.
   */
  sellable: number
  /** sim time of the merchant's last stock publication, 0 = never */
  publishedAt: number
  /** node → accepted registration */
  registrations: Map<RegistrationNode, { campaignPriceFen: number; at: number; id: string }>
}

export interface MerchantState {
  merchant: Merchant
  webhookUrl: string | null
  orderIds: string[]
  lateOrders: number
  pickupJudged: number
  pickupOnTime: number
  payoutsFen: number
  warned: boolean
  removed: boolean
  /** EXP-1: `${day}|${buyerId}` → answered effectively that day (Asia/Shanghai natural days) */
  consultedDays: Map<string, boolean>
  /** EXP-2: manual turns and their summed response time inside the 30-day window of the last `sla()` */
  manualTurns: number
  manualResponseMsSum: number
  /** EXP-2: every manual turn not yet out of the window, as (simTime, responseMs) pairs in time order */
  manualLog: number[]
  /** index in `manualLog` of the oldest turn still counted */
  manualHead: number
}

export interface ConsultationState {
  id: string
  merchantId: string
  buyerId: string
  orderId: string
  messages: number
  /** sim time of the oldest unanswered buyer message, 0 when answered */
  pendingSince: number
}

export interface ComplaintState {
  id: string
  orderId: string
  merchantId: string
  buyerId: string
  reason: 'late_shipment' | 'other'
  filedAt: number
  status: 'open' | 'upheld' | 'rejected'
  handledBy: '' | 'merchant' | 'platform'
  decidedAt: number
  payoutFen: number
  appealed: boolean
  deadline: Deadline | undefined
}

export interface RefundState {
  id: string
  orderId: string
  merchantId: string
  status: 'pending' | 'approved' | 'rejected'
  instant: boolean
  amountFen: number
}

export type WebhookType = 'order.paid' | 'consultation.message' | 'refund.requested' | 'complaint.filed'

export interface PlatformDeps {
  config: PlatformConfig
  calendar: Calendar
  now: () => number
  scheduler: Scheduler
  sink: EventSink
  /** Push to the merchant's webhook (fire and forget). */
  push: (merchantId: string, type: WebhookType, data: Record<string, unknown>) => void
}

export interface PlaceOrderInput {
  buyerId: string
  region?: string
  kind: 'presale' | 'spot'
  items: Array<{ skuId: string; quantity: number }>
}

/**
 * The mock platform's state and rules: in-memory Maps for O(1) hot-path lookups, every breach
 * judged in simulated time and recorded through the event sink with its rule ID.
 */
export class Platform {
  readonly merchants = new Map<string, MerchantState>()
  readonly skus = new Map<string, SkuState>()
  readonly buyers = new Map<string, Buyer>()
  readonly orders = new Map<string, OrderState>()
  readonly consultations = new Map<string, ConsultationState>()
  readonly complaints = new Map<string, ComplaintState>()
  readonly refunds = new Map<string, RefundState>()
  readonly idempotency = new Map<string, { body: string; status: number; response: unknown }>()
  /** presale orders per SKU (PRICE-5 consequences) */
  private readonly presaleOrdersBySku = new Map<string, string[]>()
  /**
   * Webhook overrides by merchant id (`*` = every merchant). They outlive a world reload or reset:
   * they say who listens (the merchant service under test), not what the world holds.
   */
  private readonly webhookOverrides = new Map<string, string | null>()
  private seq = 0
  loaded = false

  constructor(readonly deps: PlatformDeps) {}

  get config(): PlatformConfig {
    return this.deps.config
  }

  private nextId(prefix: string): string {
    this.seq += 1
    return `${prefix}-${this.seq}`
  }

  reset(): void {
    for (const o of this.orders.values()) this.cancelDeadlines(o)
    for (const c of this.complaints.values()) if (c.deadline) c.deadline.cancelled = true
    this.merchants.clear()
    this.skus.clear()
    this.buyers.clear()
    this.orders.clear()
    this.consultations.clear()
    this.complaints.clear()
    this.refunds.clear()
    this.idempotency.clear()
    this.presaleOrdersBySku.clear()
    this.deps.scheduler.clear()
    this.loaded = false
  }

  // ---- world ---------------------------------------------------------------------------------

  /** Points one merchant's pushes (or every merchant's, `*`) at `url`; `null` stops them. */
  setWebhook(merchantId: string, url: string | null): number {
    if (merchantId === '*') {
      this.webhookOverrides.clear()
      this.webhookOverrides.set('*', url)
      for (const m of this.merchants.values()) m.webhookUrl = url
      return this.merchants.size
    }
    const state = this.merchant(merchantId)
    this.webhookOverrides.set(merchantId, url)
    state.webhookUrl = url
    return 1
  }

  private webhookFor(m: Merchant): string | null {
    if (this.webhookOverrides.has(m.id)) return this.webhookOverrides.get(m.id) ?? null
    if (this.webhookOverrides.has('*')) return this.webhookOverrides.get('*') ?? null
    return m.webhookUrl
  }

  addMerchant(m: Merchant): void {
    this.merchants.set(m.id, {
      merchant: m,
      webhookUrl: this.webhookFor(m),
      orderIds: [],
      lateOrders: 0,
      pickupJudged: 0,
      pickupOnTime: 0,
      payoutsFen: 0,
      warned: false,
      removed: false,
      consultedDays: new Map(),
      manualTurns: 0,
      manualResponseMsSum: 0,
      manualLog: [],
      manualHead: 0,
    })
    this.loaded = true
  }

  /** Adds a SKU; returns `false` when its listing breaks SHIP-6 (recorded as a `listing.violation` event). */
  addSku(s: Sku): boolean {
    if (!this.merchants.has(s.merchantId)) {
      fail('PLAT_ERR_WORLD_LOAD', 'skus.merchantId', `SKU ${s.id} names unknown merchant ${s.merchantId}`)
    }
    this.skus.set(s.id, {
      sku: s,
      merchantId: s.merchantId,
      priceFen: s.listPriceFen,
      perks: [],
      sold: 0,
      sellable: s.stock,
      publishedAt: 0,
      registrations: new Map(),
    })
    const v = freeShippingClaim(s, REGIONS, this.deps.now())
    if (!v.ok) {
      this.deps.sink.event({
        kind: 'listing.violation',
        simTime: this.deps.now(),
        merchantId: s.merchantId,
        skuId: s.id,
        ruleId: 'SHIP-6',
        detail: { reason: v.reason, paidRegions: v.paidRegions.length },
      })
    }
    return v.ok
  }

  addBuyer(b: Buyer): void {
    this.buyers.set(b.id, b)
  }

  merchant(id: string): MerchantState {
    return this.merchants.get(id) ?? fail('PLAT_ERR_NOT_FOUND', 'merchantId', `no merchant ${id}`)
  }

  sku(id: string, field = 'skuId'): SkuState {
    return this.skus.get(id) ?? fail('PLAT_ERR_NOT_FOUND', field, `no SKU ${id}`)
  }

  order(id: string, merchantId?: string): OrderState {
    const o = this.orders.get(id) ?? fail('PLAT_ERR_NOT_FOUND', 'orderId', `no order ${id}`)
    if (merchantId !== undefined && o.merchantId !== merchantId) {
      fail('PLAT_ERR_FORBIDDEN', 'orderId', `order ${id} belongs to another merchant`)
    }
    return o
  }

  requireWorld(): void {
    if (!this.loaded) fail('PLAT_ERR_NO_WORLD', '')
  }

  // ---- registration (REG-1..4, PRICE-1/2) ------------------------------------------------------

  /** Register a SKU for a campaign node at simulated instant `at`; throws the violated rule. */
  register(
    merchantId: string,
    input: { skuId: string; node: RegistrationNode; campaignPriceFen: number; crossStoreCoupon: boolean },
    at: number,
  ): { registrationId: string; ceilingFen: number | null } {
    const m = this.merchant(merchantId)
    const s = this.sku(input.skuId)
    try {
      if (s.merchantId !== merchantId) fail('PLAT_ERR_FORBIDDEN', 'skuId', `SKU ${input.skuId} is not yours`)
      if (m.removed) fail('PLAT_ERR_MERCHANT_REMOVED', 'merchantId', `merchant ${merchantId} was removed`)
      const win = this.deps.calendar.registration.nodes[input.node]
      if (at < win.opens || at >= win.closes) {
        fail(
          'PLAT_ERR_REG_WINDOW',
          'node',
          `${input.node} registration is open ${formatSimInstant(win.opens)} to ${formatSimInstant(win.closes)}, not at ${formatSimInstant(at)}`,
        )
      }
      const elig = eligibility(m.merchant, at)
      if (!elig.ok) fail('PLAT_ERR_REG_ELIGIBILITY', elig.field, elig.reason)
      // REG-4 is per merchant: every participating merchant sets the coupon. The merchant's own
      // setting decides (the registration's flag stands in for it in worlds without that field),
      // and the registration must carry it too.
      const merchantCoupon = (m.merchant.crossStoreCoupon as boolean | undefined) ?? input.crossStoreCoupon
      if (!merchantCoupon) {
        fail(
          'PLAT_ERR_REG_COUPON',
          'crossStoreCoupon',
          `merchant ${merchantId} has not set the 300-40 cross-store coupon: every participating merchant must`,
        )
      }
      if (!input.crossStoreCoupon) {
        fail(
          'PLAT_ERR_REG_COUPON',
          'crossStoreCoupon',
          'set the 300-40 cross-store coupon before registering',
        )
      }
      const conflict: Partial<Record<RegistrationNode, RegistrationNode>> = {
        wave1Spot: 'wave2Presale',
        wave2Presale: 'wave1Spot',
      }
      const other = conflict[input.node]
      if (other && s.registrations.has(other)) {
        fail('PLAT_ERR_REG_WAVE_CONFLICT', 'node', `${input.skuId} is already registered for ${other}`)
      }
      const price = campaignPriceCheck('double11', input.campaignPriceFen, at, priceHistory(s.sku))
      if (!price.ok)
        fail('PLAT_ERR_PRICE_TIER', 'campaignPriceFen', `${price.reason} [ruleset ${price.ruleset}]`)
      const id = this.nextId('reg')
      s.registrations.set(input.node, { campaignPriceFen: input.campaignPriceFen, at, id })
      this.deps.sink.event({
        kind: 'registration.accepted',
        simTime: at,
        merchantId,
        skuId: input.skuId,
        amountFen: input.campaignPriceFen,
        detail: { node: input.node, registrationId: id },
      })
      return { registrationId: id, ceilingFen: price.ceilingFen }
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
    const s = this.sku(skuId)
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

  // ---- merchant stock sync (the `lagging` policy) ------------------------------------------------

  /**
   * The merchant publishes the units it still has to sell. Under `lagging` the platform reserves
   * against this figure from now on (less what it sells after); under `strict` and `buffered` the
   * platform holds the count itself and only records the publication.
   */
  publishStock(merchantId: string, skuId: string, available: number, at: number) {
    this.merchant(merchantId)
    const s = this.sku(skuId)
    if (s.merchantId !== merchantId) fail('PLAT_ERR_FORBIDDEN', 'skuId', `SKU ${skuId} is not yours`)
    const policy = this.config.oversellPolicy
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

  // ---- buyer: quote and order (PRICE-3/4, SHIP-5, stock) ---------------------------------------

  private phase(kind: 'presale' | 'spot', at: number): { kind: OrderState['kind']; wave: 0 | 1 | 2 } {
    const cal = this.deps.calendar
    for (const [i, w] of cal.waves.entries()) {
      const wave = (i + 1) as 1 | 2
      if (kind === 'presale' && at >= w.presale.opens && at < w.presale.finalPaymentOpens)
        return { kind, wave }
      if (kind === 'spot' && at >= w.spot.opens && at < w.spot.closes) return { kind, wave }
    }
    if (kind === 'presale')
      fail('PLAT_ERR_PAYMENT_WINDOW', 'kind', `no presale phase is open at ${formatSimInstant(at)}`)
    return { kind: 'daily', wave: 0 }
  }

  /** Unit price in force for a SKU in a phase: the registered campaign price, else the current price. */
  private unitPrice(s: SkuState, kind: OrderState['kind'], wave: 0 | 1 | 2): number {
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

  quote(input: PlaceOrderInput, at: number) {
    const ph = this.phase(input.kind, at)
    const lines: Array<CartLine & { skuId: string; quantity: number; unitPriceFen: number }> = []
    for (const [i, it] of input.items.entries()) {
      const s = this.sku(it.skuId, `items.${i}.skuId`)
      const unit = this.unitPrice(s, ph.kind, ph.wave)
      lines.push({
        key: String(i),
        merchantId: s.merchantId,
        amountFen: unit * it.quantity,
        couponEligible: this.merchants.get(s.merchantId)?.merchant.crossStoreCoupon ?? false,
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
      this.buyers.get(input.buyerId) ?? fail('PLAT_ERR_NOT_FOUND', 'buyerId', `no buyer ${input.buyerId}`)
    const region = input.region ?? buyer.region
    const q = this.quote(input, at)
    // Check every line before reserving anything: a checkout is accepted whole or not at all.
    const reserve: Array<{ s: SkuState; oversold: boolean }> = []
    for (const [i, line] of q.lines.entries()) {
      const s = this.sku(line.skuId)
      if (s.sku.restrictedRegions.includes(region)) {
        this.reject(
          at,
          'PLAT_ERR_REGION',
          `items.${i}.skuId`,
          `${line.skuId} is not sold to ${region}`,
          line.skuId,
          input.buyerId,
        )
      }
      const m = this.merchant(s.merchantId)
      if (m.removed && q.kind === 'presale') {
        this.reject(
          at,
          'PLAT_ERR_MERCHANT_REMOVED',
          `items.${i}.skuId`,
          `merchant ${m.merchant.id} was removed`,
          line.skuId,
          input.buyerId,
        )
      }
      const after = s.sold + line.quantity
      const stock = s.sku.stock
      let oversold = after > stock
      if (this.config.oversellPolicy === 'lagging') {
        // The platform sells what the merchant last published; units sold inside the merchant's
        // sync lag are offered again, so a burst between syncs sells past physical stock (PAY-3).
        if (line.quantity > s.sellable) {
          this.reject(
            at,
            'PLAT_ERR_OUT_OF_STOCK',
            `items.${i}.quantity`,
            `${line.skuId} has ${Math.max(0, s.sellable)} left in the merchant's last published stock`,
            line.skuId,
            input.buyerId,
          )
        }
      }
      if (oversold && this.config.oversellPolicy === 'strict') {
        this.reject(
          at,
          'PLAT_ERR_OUT_OF_STOCK',
          `items.${i}.quantity`,
          `${line.skuId} has ${Math.max(0, stock - s.sold)} left`,
          line.skuId,
          input.buyerId,
        )
      }
      if (oversold && this.config.oversellPolicy === 'buffered') {
        if (after > Math.floor(stock * (1 + this.config.oversellBuffer))) {
          this.reject(
            at,
            'PLAT_ERR_OUT_OF_STOCK',
            `items.${i}.quantity`,
            `${line.skuId} buffer exhausted`,
            line.skuId,
            input.buyerId,
          )
        }
        oversold = false
      }
      reserve.push({ s, oversold })
    }
    const checkoutId = this.nextId('c')
    const orders = q.lines.map((line, i) => {
      const { s, oversold } = reserve[i]!
      s.sold += line.quantity
      s.sellable -= line.quantity
      const o: OrderState = {
        id: this.nextId('o'),
        checkoutId,
        buyerId: input.buyerId,
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
      this.orders.set(o.id, o)
      this.merchants.get(o.merchantId)?.orderIds.push(o.id)
      if (o.kind === 'presale') {
        const list = this.presaleOrdersBySku.get(o.skuId)
        if (list) list.push(o.id)
        else this.presaleOrdersBySku.set(o.skuId, [o.id])
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
      return this.orderView(o)
    })
    return { checkoutId, toHandFen: q.toHandFen, couponFen: q.couponFen, orders }
  }

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

  orderView(o: OrderState) {
    return {
      id: o.id,
      checkoutId: o.checkoutId,
      buyerId: o.buyerId,
      merchantId: o.merchantId,
      skuId: o.skuId,
      quantity: o.quantity,
      region: o.region,
      kind: o.kind,
      wave: o.wave,
      unitPriceFen: o.unitPriceFen,
      couponFen: o.couponFen,
      payableFen: o.payableFen,
      depositFen: o.depositFen,
      paidFen: o.paidFen,
      status: o.status,
      createdAt: formatSimInstant(o.createdAt),
      paidAt: o.paidAt ? formatSimInstant(o.paidAt) : null,
      shipBy: o.shipBy ? formatSimInstant(o.shipBy) : null,
      pickedUpAt: o.pickedUpAt ? formatSimInstant(o.pickedUpAt) : null,
      late: o.late,
      oversold: o.oversold,
      compensatedFen: o.compensatedFen,
    }
  }

  // ---- payment and deadlines (CAL-1, SHIP-1/2, PAY-1..4) -------------------------------------

  pay(orderId: string, stage: 'deposit' | 'final' | 'spot', at: number) {
    const o = this.order(orderId)
    const cal = this.deps.calendar
    if (stage === 'spot') {
      if (o.kind === 'presale' || o.status !== 'created') {
        fail(
          'PLAT_ERR_ORDER_STATE',
          'stage',
          `order ${o.id} (${o.kind}, ${o.status}) cannot take a spot payment`,
        )
      }
      o.paidFen = o.payableFen
    } else if (stage === 'deposit') {
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
      return this.orderView(o)
    } else {
      if (o.kind !== 'presale' || o.status !== 'deposit_paid') {
        fail(
          'PLAT_ERR_ORDER_STATE',
          'stage',
          `order ${o.id} (${o.kind}, ${o.status}) cannot take a final payment`,
        )
      }
      const w = cal.waves[o.wave === 2 ? 1 : 0].presale
      if (at < w.finalPaymentOpens || at >= w.finalPaymentCloses) {
        fail(
          'PLAT_ERR_PAYMENT_WINDOW',
          'stage',
          `final payment of wave ${o.wave} is open ${formatSimInstant(w.finalPaymentOpens)} to ${formatSimInstant(w.finalPaymentCloses)}`,
        )
      }
      o.paidFen = o.payableFen
    }
    o.status = 'paid'
    o.paidAt = at
    const s = this.skus.get(o.skuId)
    this.setShipBy(o, pickupDeadline(this.deps.calendar, at, o.createdAt, s?.sku.contractShipHours ?? null))
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
    this.deps.push(o.merchantId, 'order.paid', this.orderView(o))
    return this.orderView(o)
  }

  private setShipBy(o: OrderState, shipBy: number): void {
    if (o.pickup) o.pickup.cancelled = true
    o.shipBy = shipBy
    o.pickup = this.deps.scheduler.at(shipBy, 'pickup', () => this.pickupDeadline(o))
  }

  private cancelDeadlines(o: OrderState): void {
    if (o.pickup) o.pickup.cancelled = true
    if (o.trace) o.trace.cancelled = true
    o.pickup = undefined
    o.trace = undefined
  }

  /** SHIP-1 deadline passed without pickup: late verdict, then PAY-1/3/4 unless PAY-2 withholds. */
  private pickupDeadline(o: OrderState): void {
    o.pickup = undefined
    if (o.status !== 'paid') return
    o.late = true
    const m = this.merchants.get(o.merchantId)
    const at = o.shipBy
    this.deps.sink.verdict({
      merchant_id: o.merchantId,
      order_id: o.id,
      rule_id: 'SHIP-1',
      metric: 'pickup_48h',
      ok: 0,
      value: (at - o.paidAt) / HOUR,
      threshold: (o.shipBy - o.paidAt) / HOUR,
      sim_time: at,
    })
    this.deps.sink.event({
      kind: 'late_shipment',
      simTime: at,
      merchantId: o.merchantId,
      orderId: o.id,
      skuId: o.skuId,
      ruleId: 'SHIP-1',
    })
    if (m) {
      m.pickupJudged += 1
      m.lateOrders += 1
      this.massDelayCheck(m, at)
    }
    if (inNoAutoCompensationWindow(this.deps.calendar, at)) {
      this.deps.sink.event({
        kind: 'compensation.withheld',
        simTime: at,
        merchantId: o.merchantId,
        orderId: o.id,
        ruleId: 'PAY-2',
        amountFen: compensationFen(o.paidFen, o.kind === 'presale', o.oversold, at).amountFen,
      })
      return
    }
    this.compensate(o, at)
  }

  /** Pay the late-shipment (or oversell) compensation once per order. */
  private compensate(o: OrderState, at: number, viaComplaint = false): number {
    if (o.compensatedFen > 0) return 0
    // An upheld late-shipment complaint is paid as late shipment even when the cause was oversell (000).
    const oversell = o.oversold && !viaComplaint
    const { amountFen: amount, ruleId } = compensationFen(o.paidFen, o.kind === 'presale', oversell, at)
    o.compensatedFen = amount
    this.deps.sink.payout({
      merchant_id: o.merchantId,
      order_id: o.id,
      sku_id: o.skuId,
      cause: oversell ? 'oversell' : 'late_shipment',
      rule_id: ruleId,
      amount_fen: amount,
      wave: o.wave,
      sim_time: at,
    })
    const m = this.merchants.get(o.merchantId)
    if (m) m.payoutsFen += amount
    return amount
  }

  /** PAY-6: the ruleset's delay-rate thresholds over judged orders: warning, then removal. */
  private massDelayCheck(m: MerchantState, at: number): void {
    const v = massDelayLevel(m.pickupJudged, m.lateOrders, at)
    if (v.level === 'none') return
    if (!m.warned) {
      m.warned = true
      this.deps.sink.event({
        kind: 'merchant.warned',
        simTime: at,
        merchantId: m.merchant.id,
        ruleId: 'PAY-6',
        detail: { reason: v.reason },
      })
    }
    if (v.level === 'removal' && !m.removed) {
      m.removed = true
      for (const s of this.skus.values()) if (s.merchantId === m.merchant.id) s.registrations.clear()
      this.deps.sink.event({
        kind: 'merchant.removed',
        simTime: at,
        merchantId: m.merchant.id,
        ruleId: 'PAY-6',
        detail: { reason: v.reason },
      })
    }
  }

  pickup(merchantId: string, orderId: string, at: number) {
    const o = this.order(orderId, merchantId)
    if (o.status !== 'paid') fail('PLAT_ERR_ORDER_STATE', 'orderId', `order ${o.id} is ${o.status}, not paid`)
    if (o.oversold) fail('PLAT_ERR_OUT_OF_STOCK', 'orderId', `order ${o.id} was oversold and can never ship`)
    o.status = 'picked_up'
    o.pickedUpAt = at
    if (o.pickup) o.pickup.cancelled = true
    o.pickup = undefined
    const m = this.merchant(merchantId)
    if (!o.late) {
      m.pickupJudged += 1
      m.pickupOnTime += 1
      this.deps.sink.verdict({
        merchant_id: merchantId,
        order_id: o.id,
        rule_id: 'SHIP-1',
        metric: 'pickup_48h',
        ok: 1,
        value: (at - o.paidAt) / HOUR,
        threshold: (o.shipBy - o.paidAt) / HOUR,
        sim_time: at,
      })
    }
    const { traceHours } = deadlineFigures(at)
    const traceBy = at + traceHours * HOUR
    o.trace = this.deps.scheduler.at(traceBy, 'trace', () => {
      o.trace = undefined
      if (o.tracedAt) return
      this.deps.sink.verdict({
        merchant_id: merchantId,
        order_id: o.id,
        rule_id: 'SHIP-2',
        metric: 'trace_24h',
        ok: 0,
        value: traceHours,
        threshold: traceHours,
        sim_time: traceBy,
      })
      this.deps.sink.event({
        kind: 'trace_missing',
        simTime: traceBy,
        merchantId,
        orderId: o.id,
        ruleId: 'SHIP-2',
      })
    })
    this.deps.sink.event({
      kind: 'order.picked_up',
      simTime: at,
      merchantId,
      orderId: o.id,
      ruleId: 'SHIP-1',
      detail: { late: o.late },
    })
    return this.orderView(o)
  }

  trace(merchantId: string, orderId: string, at: number) {
    const o = this.order(orderId, merchantId)
    if (o.status !== 'picked_up')
      fail('PLAT_ERR_ORDER_STATE', 'orderId', `order ${o.id} is ${o.status}, not picked up`)
    const first = o.tracedAt === 0
    if (first) {
      o.tracedAt = at
      const { traceHours } = deadlineFigures(o.pickedUpAt)
      const onTime = at - o.pickedUpAt <= traceHours * HOUR
      if (onTime) {
        if (o.trace) o.trace.cancelled = true
        o.trace = undefined
        this.deps.sink.verdict({
          merchant_id: merchantId,
          order_id: o.id,
          rule_id: 'SHIP-2',
          metric: 'trace_24h',
          ok: 1,
          value: (at - o.pickedUpAt) / HOUR,
          threshold: traceHours,
          sim_time: at,
        })
      }
    }
    this.deps.sink.event({ kind: 'order.traced', simTime: at, merchantId, orderId: o.id, ruleId: 'SHIP-2' })
    return this.orderView(o)
  }

  /** SHIP-3: an agreed ship time replaces the deadline. */
  negotiate(merchantId: string, orderId: string, shipBy: number, at: number) {
    const o = this.order(orderId, merchantId)
    if (o.status !== 'paid' || o.late)
      fail('PLAT_ERR_ORDER_STATE', 'orderId', `order ${o.id} is ${o.late ? 'already late' : o.status}`)
    if (shipBy <= at) fail('PLAT_ERR_ORDER_STATE', 'shipBy', 'the agreed ship time must be in the future')
    this.setShipBy(o, shipBy)
    this.deps.sink.event({
      kind: 'shipping.negotiated',
      simTime: at,
      merchantId,
      orderId: o.id,
      ruleId: 'SHIP-3',
      detail: { shipBy },
    })
    return this.orderView(o)
  }

  /** SHIP-4: delay report, offline inside the no-auto-compensation window. */
  delayReport(merchantId: string, orderId: string, shipBy: number, at: number) {
    const o = this.order(orderId, merchantId)
    if (inNoAutoCompensationWindow(this.deps.calendar, at)) {
      this.deps.sink.event({
        kind: 'delay_report.refused',
        simTime: at,
        merchantId,
        orderId,
        ruleId: 'SHIP-4',
      })
      fail(
        'PLAT_ERR_DELAY_REPORT_WINDOW',
        'orderId',
        `delay reports are offline until ${formatSimInstant(this.deps.calendar.noAutoCompensationWindow.to)}`,
      )
    }
    if (o.status !== 'paid' || o.late)
      fail('PLAT_ERR_ORDER_STATE', 'orderId', `order ${o.id} is ${o.late ? 'already late' : o.status}`)
    if (shipBy <= at) fail('PLAT_ERR_ORDER_STATE', 'shipBy', 'the reported ship time must be in the future')
    o.delayReported = true
    this.setShipBy(o, shipBy)
    this.deps.sink.event({
      kind: 'delay_report.accepted',
      simTime: at,
      merchantId,
      orderId,
      ruleId: 'SHIP-4',
      detail: { shipBy },
    })
    return this.orderView(o)
  }

  listOrders(merchantId: string, status: OrderStatus | undefined, offset: number, limit: number) {
    const m = this.merchant(merchantId)
    const out = []
    let skipped = 0
    for (const id of m.orderIds) {
      const o = this.orders.get(id)
      if (!o || (status && o.status !== status)) continue
      if (skipped < offset) {
        skipped += 1
        continue
      }
      out.push(this.orderView(o))
      if (out.length >= limit) break
    }
    return { orders: out, total: m.orderIds.length }
  }

  // ---- refunds (PAY-8) -----------------------------------------------------------------------

  requestRefund(orderId: string, at: number) {
    const o = this.order(orderId)
    if (o.status === 'refunded' || o.status === 'created')
      fail('PLAT_ERR_ORDER_STATE', 'orderId', `order ${o.id} is ${o.status}`)
    const r: RefundState = {
      id: this.nextId('rf'),
      orderId: o.id,
      merchantId: o.merchantId,
      status: 'pending',
      instant: false,
      amountFen: o.paidFen,
    }
    this.refunds.set(r.id, r)
    this.deps.sink.event({
      kind: 'refund.requested',
      simTime: at,
      merchantId: o.merchantId,
      orderId: o.id,
      amountFen: r.amountFen,
    })
    if (o.status !== 'picked_up') {
      r.instant = true
      this.settleRefund(r, o, true, at, 'PAY-8')
    } else {
      this.deps.push(o.merchantId, 'refund.requested', {
        refundId: r.id,
        orderId: o.id,
        amountFen: r.amountFen,
      })
    }
    return this.refundView(r)
  }

  decideRefund(merchantId: string, refundId: string, approve: boolean, at: number) {
    const r = this.refunds.get(refundId) ?? fail('PLAT_ERR_NOT_FOUND', 'refundId', `no refund ${refundId}`)
    if (r.merchantId !== merchantId)
      fail('PLAT_ERR_FORBIDDEN', 'refundId', `refund ${refundId} belongs to another merchant`)
    if (r.status !== 'pending')
      fail('PLAT_ERR_ORDER_STATE', 'refundId', `refund ${refundId} is already ${r.status}`)
    this.settleRefund(r, this.order(r.orderId), approve, at, '')
    return this.refundView(r)
  }

  private settleRefund(r: RefundState, o: OrderState, approve: boolean, at: number, ruleId: string): void {
    r.status = approve ? 'approved' : 'rejected'
    if (approve) {
      o.status = 'refunded'
      this.cancelDeadlines(o)
      const s = this.skus.get(o.skuId)
      if (s) {
        s.sold = Math.max(0, s.sold - o.quantity)
        s.sellable += o.quantity
      }
    }
    this.deps.sink.event({
      kind: approve ? 'refund.approved' : 'refund.rejected',
      simTime: at,
      merchantId: o.merchantId,
      orderId: o.id,
      ruleId,
      amountFen: r.amountFen,
      detail: { refundId: r.id, instant: r.instant },
    })
  }

  refundView(r: RefundState) {
    return { id: r.id, orderId: r.orderId, status: r.status, instant: r.instant, amountFen: r.amountFen }
  }

  // ---- complaints and appeals (PAY-2, PAY-5, PAY-7) -------------------------------------------

  fileComplaint(orderId: string, reason: 'late_shipment' | 'other', at: number) {
    const o = this.order(orderId)
    const c: ComplaintState = {
      id: this.nextId('cp'),
      orderId: o.id,
      merchantId: o.merchantId,
      buyerId: o.buyerId,
      reason,
      filedAt: at,
      status: 'open',
      handledBy: '',
      decidedAt: 0,
      payoutFen: 0,
      appealed: false,
      deadline: undefined,
    }
    this.complaints.set(c.id, c)
    const { complaintHours } = deadlineFigures(at)
    c.deadline = this.deps.scheduler.at(at + complaintHours * HOUR, 'complaint', (due) => {
      c.deadline = undefined
      if (c.status !== 'open') return
      // PAY-5: not handled in time, the platform intervenes; an upheld complaint is the merchant's liability.
      this.deps.sink.verdict({
        merchant_id: c.merchantId,
        order_id: c.orderId,
        rule_id: 'PAY-5',
        metric: 'complaint_48h',
        ok: 0,
        value: complaintHours,
        threshold: complaintHours,
        sim_time: due,
      })
      this.decideComplaint(c, this.complaintFounded(c), 'platform', due)
    })
    this.deps.sink.event({
      kind: 'complaint.filed',
      simTime: at,
      merchantId: o.merchantId,
      orderId: o.id,
      buyerId: o.buyerId,
      detail: { complaintId: c.id, reason },
    })
    this.deps.push(o.merchantId, 'complaint.filed', { complaintId: c.id, orderId: o.id, reason })
    return this.complaintView(c)
  }

  /** The facts: a late-shipment complaint is founded when the order missed its ship-by time. */
  private complaintFounded(c: ComplaintState): boolean {
    const o = this.orders.get(c.orderId)
    if (!o) return false
    if (c.reason === 'late_shipment') return o.late || (o.status === 'paid' && o.shipBy <= c.filedAt)
    return true
  }

  handleComplaint(merchantId: string, complaintId: string, action: 'accept' | 'dispute', at: number) {
    const c =
      this.complaints.get(complaintId) ??
      fail('PLAT_ERR_NOT_FOUND', 'complaintId', `no complaint ${complaintId}`)
    if (c.merchantId !== merchantId)
      fail('PLAT_ERR_FORBIDDEN', 'complaintId', `complaint ${complaintId} belongs to another merchant`)
    if (c.status !== 'open')
      fail('PLAT_ERR_ORDER_STATE', 'complaintId', `complaint ${complaintId} is already ${c.status}`)
    if (c.deadline) c.deadline.cancelled = true
    c.deadline = undefined
    this.deps.sink.verdict({
      merchant_id: merchantId,
      order_id: c.orderId,
      rule_id: 'PAY-5',
      metric: 'complaint_48h',
      ok: 1,
      value: (at - c.filedAt) / HOUR,
      threshold: deadlineFigures(c.filedAt).complaintHours,
      sim_time: at,
    })
    this.decideComplaint(c, action === 'accept' || this.complaintFounded(c), 'merchant', at)
    return this.complaintView(c)
  }

  /** Upheld late-shipment complaints are paid (PAY-1/PAY-4), inside the PAY-2 window too. */
  private decideComplaint(c: ComplaintState, upheld: boolean, by: 'merchant' | 'platform', at: number): void {
    c.status = upheld ? 'upheld' : 'rejected'
    c.handledBy = by
    c.decidedAt = at
    const o = this.orders.get(c.orderId)
    if (upheld && o && c.reason === 'late_shipment') c.payoutFen = this.compensate(o, at, true)
    this.deps.sink.event({
      kind: upheld ? 'complaint.upheld' : 'complaint.rejected',
      simTime: at,
      merchantId: c.merchantId,
      orderId: c.orderId,
      ruleId: inNoAutoCompensationWindow(this.deps.calendar, at) ? 'PAY-2' : 'PAY-5',
      amountFen: c.payoutFen,
      detail: { complaintId: c.id, handledBy: by },
    })
  }

  /** PAY-7: one appeal per dispute, within the ruleset's appeal window of the decision. */
  appeal(merchantId: string, complaintId: string, at: number) {
    const c =
      this.complaints.get(complaintId) ??
      fail('PLAT_ERR_NOT_FOUND', 'complaintId', `no complaint ${complaintId}`)
    if (c.merchantId !== merchantId)
      fail('PLAT_ERR_FORBIDDEN', 'complaintId', `complaint ${complaintId} belongs to another merchant`)
    if (c.status !== 'upheld')
      fail(
        'PLAT_ERR_APPEAL',
        'complaintId',
        `complaint ${complaintId} is ${c.status}; only upheld complaints can be appealed`,
      )
    if (c.appealed)
      fail(
        'PLAT_ERR_APPEAL',
        'complaintId',
        `complaint ${complaintId} was already appealed (one appeal per dispute)`,
      )
    const { appealDays } = deadlineFigures(c.decidedAt)
    if (at - c.decidedAt > appealDays * DAY) {
      fail('PLAT_ERR_APPEAL', 'complaintId', `the ${appealDays}-day appeal window has passed`)
    }
    c.appealed = true
    const overturned = !this.complaintFounded(c)
    if (overturned) c.status = 'rejected'
    this.deps.sink.event({
      kind: 'appeal.decided',
      simTime: at,
      merchantId,
      orderId: c.orderId,
      ruleId: 'PAY-7',
      detail: { complaintId, overturned },
    })
    return { complaintId, overturned, status: c.status }
  }

  complaintView(c: ComplaintState) {
    return {
      id: c.id,
      orderId: c.orderId,
      reason: c.reason,
      status: c.status,
      handledBy: c.handledBy,
      payoutFen: c.payoutFen,
      appealed: c.appealed,
    }
  }

  // ---- price changes and protection (PRICE-5) ------------------------------------------------

  /** Change a SKU's price or perks; during a spot phase a lower price or added perks owe every presale buyer. */
  changePrice(
    merchantId: string,
    skuId: string,
    input: { priceFen?: number; perks?: Array<{ name: string; valueFen: number }> },
    at: number,
  ) {
    const s = this.sku(skuId)
    if (s.merchantId !== merchantId) fail('PLAT_ERR_FORBIDDEN', 'skuId', `SKU ${skuId} is not yours`)
    const before = this.unitPriceNow(s, at)
    const perkBefore = s.perks.reduce((a, p) => a + p.valueFen, 0)
    if (input.priceFen !== undefined) s.priceFen = input.priceFen
    if (input.perks !== undefined) s.perks = input.perks
    const after = this.unitPriceNow(s, at)
    const perkAfter = s.perks.reduce((a, p) => a + p.valueFen, 0)
    this.deps.sink.event({
      kind: 'price.changed',
      simTime: at,
      merchantId,
      skuId,
      amountFen: s.priceFen,
      detail: { before, after, perkBefore, perkAfter },
    })
    const owedPerUnit = Math.max(0, before - after) + Math.max(0, perkAfter - perkBefore)
    let owedFen = 0
    let buyers = 0
    const inSpot = this.deps.calendar.waves.some((w) => at >= w.spot.opens && at < w.spot.closes)
    const both = this.registeredPresaleAndSpot(s)
    if (owedPerUnit > 0 && inSpot && both) {
      for (const id of this.presaleOrdersBySku.get(skuId) ?? []) {
        const o = this.orders.get(id)
        if (!o || o.status === 'refunded' || o.status === 'created') continue
        const amount = owedPerUnit * o.quantity
        owedFen += amount
        buyers += 1
        this.deps.sink.payout({
          merchant_id: merchantId,
          order_id: o.id,
          sku_id: skuId,
          cause: 'price_protection',
          rule_id: 'PRICE-5',
          amount_fen: amount,
          wave: o.wave,
          sim_time: at,
        })
        this.merchant(merchantId).payoutsFen += amount
      }
    }
    return {
      skuId,
      priceFen: s.priceFen,
      toHandUnitFen: after,
      owedFen,
      buyersOwed: buyers,
      ruleId: 'PRICE-5',
    }
  }

  private registeredPresaleAndSpot(s: SkuState): boolean {
    const r = s.registrations
    return (r.has('wave1Presale') || r.has('wave2Presale')) && (r.has('wave1Spot') || r.has('wave2Spot'))
  }

  private unitPriceNow(s: SkuState, at: number): number {
    for (const [i, w] of this.deps.calendar.waves.entries()) {
      if (at >= w.spot.opens && at < w.spot.closes) return this.unitPrice(s, 'spot', (i + 1) as 1 | 2)
    }
    return s.priceFen
  }

  /** PRICE-5 claim: the buyer is owed (paid unit price − current to-hand unit price) × quantity. */
  claimPriceProtection(orderId: string, at: number) {
    const o = this.order(orderId)
    if (o.status === 'created' || o.status === 'refunded')
      fail('PLAT_ERR_ORDER_STATE', 'orderId', `order ${o.id} is ${o.status}`)
    const s = this.sku(o.skuId)
    const now = this.unitPriceNow(s, at)
    const diff = o.unitPriceFen - now
    if (diff <= 0)
      fail(
        'PLAT_ERR_PRICE_PROTECTION',
        'orderId',
        `current price ${now} fen is not below the paid ${o.unitPriceFen} fen`,
      )
    const amount = diff * o.quantity
    this.deps.sink.payout({
      merchant_id: o.merchantId,
      order_id: o.id,
      sku_id: o.skuId,
      cause: 'price_protection',
      rule_id: 'PRICE-5',
      amount_fen: amount,
      wave: o.wave,
      sim_time: at,
    })
    this.merchant(o.merchantId).payoutsFen += amount
    o.unitPriceFen = now
    return { orderId: o.id, amountFen: amount, ruleId: 'PRICE-5' }
  }

  // ---- consultations (EXP-1/2) ---------------------------------------------------------------

  message(
    input: { buyerId: string; merchantId: string; orderId?: string; consultationId?: string; text: string },
    at: number,
  ) {
    if (!this.buyers.has(input.buyerId)) fail('PLAT_ERR_NOT_FOUND', 'buyerId', `no buyer ${input.buyerId}`)
    const m = this.merchant(input.merchantId)
    let c = input.consultationId ? this.consultations.get(input.consultationId) : undefined
    if (input.consultationId && !c)
      fail('PLAT_ERR_NOT_FOUND', 'consultationId', `no consultation ${input.consultationId}`)
    if (!c) {
      c = {
        id: this.nextId('q'),
        merchantId: input.merchantId,
        buyerId: input.buyerId,
        orderId: input.orderId ?? '',
        messages: 0,
        pendingSince: 0,
      }
      this.consultations.set(c.id, c)
    }
    c.messages += 1
    if (c.pendingSince === 0) c.pendingSince = at
    const key = `${shanghaiDay(at)}|${input.buyerId}`
    if (!m.consultedDays.has(key)) m.consultedDays.set(key, false)
    this.deps.sink.event({
      kind: 'consultation.message',
      simTime: at,
      merchantId: input.merchantId,
      buyerId: input.buyerId,
      orderId: c.orderId,
      detail: { consultationId: c.id },
    })
    this.deps.push(input.merchantId, 'consultation.message', {
      consultationId: c.id,
      buyerId: input.buyerId,
      orderId: c.orderId,
      text: input.text,
    })
    return { consultationId: c.id, messages: c.messages }
  }

  /** EXP-1: bot, bot-assisted and human replies answer the buyer; auto-replies do not. EXP-2: manual turns are timed. */
  reply(
    merchantId: string,
    consultationId: string,
    mode: 'bot' | 'bot-assisted' | 'human' | 'auto-reply',
    at: number,
  ) {
    const c =
      this.consultations.get(consultationId) ??
      fail('PLAT_ERR_NOT_FOUND', 'consultationId', `no consultation ${consultationId}`)
    if (c.merchantId !== merchantId)
      fail(
        'PLAT_ERR_FORBIDDEN',
        'consultationId',
        `consultation ${consultationId} belongs to another merchant`,
      )
    const m = this.merchant(merchantId)
    const effective = mode !== 'auto-reply'
    const manual = mode === 'human' || mode === 'bot-assisted'
    let responseMs = 0
    if (effective && c.pendingSince > 0) {
      responseMs = at - c.pendingSince
      const key = `${shanghaiDay(at)}|${c.buyerId}`
      if (m.consultedDays.has(key)) m.consultedDays.set(key, true)
      if (manual) {
        m.manualTurns += 1
        m.manualResponseMsSum += responseMs
        m.manualLog.push(at, responseMs)
      }
      c.pendingSince = 0
    }
    this.deps.sink.event({
      kind: 'consultation.reply',
      simTime: at,
      merchantId,
      buyerId: c.buyerId,
      ruleId: manual ? 'EXP-2' : 'EXP-1',
      detail: { consultationId, mode, effective, responseMs },
    })
    return { consultationId, mode, counted: effective, manual, responseMs }
  }

  // ---- SLA dashboard (EXP-1/2/3, SHIP-1, payouts) --------------------------------------------

  /**
   * EXP-1 and EXP-2 are judged over a sliding 30-day window of simulated time: EXP-1 over the 30
   * natural days (Asia/Shanghai) ending with the day of `at`, EXP-2 over the 30 × 24 h before `at`.
   */
  sla(merchantId: string, at: number) {
    const m = this.merchant(merchantId)
    const { slaWindowDays } = serviceThresholds(at)
    const fromDay = shanghaiDay(at - (slaWindowDays - 1) * DAY)
    const toDay = shanghaiDay(at)
    let consulted = 0
    let answered = 0
    for (const [key, ok] of m.consultedDays) {
      const day = key.slice(0, 10)
      if (day < fromDay || day > toDay) continue
      consulted += 1
      if (ok) answered += 1
    }
    // EXP-2: drop the turns that left the window (the clock only moves forward between world loads)
    const since = at - slaWindowDays * DAY
    while (m.manualHead < m.manualLog.length && m.manualLog[m.manualHead]! <= since) {
      m.manualTurns -= 1
      m.manualResponseMsSum -= m.manualLog[m.manualHead + 1]!
      m.manualHead += 2
    }
    if (m.manualHead > 4096 && m.manualHead * 2 > m.manualLog.length) {
      m.manualLog.splice(0, m.manualHead)
      m.manualHead = 0
    }
    const replyRate = consulted ? answered / consulted : 1
    const manualResponseSec = m.manualTurns ? m.manualResponseMsSum / m.manualTurns / 1000 : 0
    const pickup48hRate = m.pickupJudged ? m.pickupOnTime / m.pickupJudged : 1
    // EXP-3 from the ruleset: the world's 30-day inputs, with live pickup and response figures.
    const e = m.merchant.experience
    // null where EXP-3 (002, 2024) is not in force
    const score = experience(
      {
        firstReturnRate: e.firstReturnRate,
        negativeReviewRate: e.negativeReviewRate,
        pickup48hRate: m.pickupJudged ? pickup48hRate : e.pickup48hRate,
        deliveryHours: e.deliveryHours,
        manualResponseSeconds: m.manualTurns ? manualResponseSec : e.manualResponseSec,
        refundProcessingHours: e.refundProcessingHours,
        disputeLiabilityRate: e.disputeLiabilityRate,
      },
      at,
    )
    const experienceScore = score === null ? null : Math.round(score * 100) / 100
    return {
      merchantId,
      simTime: formatSimInstant(at),
      replyRate,
      manualResponseSec,
      pickup48hRate,
      experienceScore,
      lateOrders: m.lateOrders,
      payoutsFen: m.payoutsFen,
      warned: m.warned,
      removed: m.removed,
      ruleIds: ['EXP-1', 'EXP-2', 'EXP-3', 'SHIP-1', 'PAY-6'],
    }
  }

  /** Write EXP-1/2/3 verdict rows for every merchant (thresholds of the ruleset in force at `at`). */
  evaluateSla(at: number): number {
    const t = serviceThresholds(at)
    let n = 0
    for (const id of this.merchants.keys()) {
      const d = this.sla(id, at)
      const base = { merchant_id: id, sim_time: at }
      this.deps.sink.verdict({
        ...base,
        rule_id: 'EXP-1',
        metric: 'reply_rate',
        ok: d.replyRate >= t.replyRate ? 1 : 0,
        value: d.replyRate,
        threshold: t.replyRate,
      })
      this.deps.sink.verdict({
        ...base,
        rule_id: 'EXP-2',
        metric: 'manual_response_time',
        ok: d.manualResponseSec <= t.manualResponseSec ? 1 : 0,
        value: d.manualResponseSec,
        threshold: t.manualResponseSec,
      })
      n += 2
      // EXP-3 only where the ruleset in force has it (002, 2024)
      if (d.experienceScore === null || t.experienceScore === null) continue
      this.deps.sink.verdict({
        ...base,
        rule_id: 'EXP-3',
        metric: 'experience_score',
        ok: d.experienceScore >= t.experienceScore ? 1 : 0,
        value: d.experienceScore,
        threshold: t.experienceScore,
      })
      n += 1
    }
    return n
  }
}
