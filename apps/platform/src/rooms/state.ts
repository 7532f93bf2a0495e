import type { Buyer, Merchant, Sku } from '@d11/generator/entities'
import type { FlowRules } from '@d11/order-flow/rules-context'
import type { Calendar, RegistrationNode } from '@d11/rules/calendar'
import type { Deadline, Scheduler } from '@d11/time/scheduler'
import type { PlatformConfig } from '../config.ts'
import { fail } from '../errors.ts'
import type { EventSink } from '../sink.ts'

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
  /** PRICE-5: fen per unit already paid back by price-protection claims */
  protectedUnitFen: number
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
  /** PAY-7: appeals against complaints on this SKU's orders, and those that overturned the complaint */
  appeals: number
  appealSuccesses: number
  /** PAY-7: put under review for frequent low-success appeals */
  underReview: boolean
}

export interface MerchantState {
  merchant: Merchant
  webhookUrl: string | null
  orderIds: string[]
  lateOrders: number
  pickupJudged: number
  pickupOnTime: number
  /** PAY-6: orders whose SHIP-1 deadline has passed (on time or late), the delay rate's denominator */
  dueOrders: number
  /** PAY-5/6: complaints that are the merchant's liability (escalated and upheld): poor service */
  merchantLiable: number
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
  /** PAY-7: complaints filed on the merchant's orders (disputes), and the order amounts of failed appeals */
  disputes: number
  failedAppealDisputesFen: number[]
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
  /** PAY-7: appeals filed against this complaint's decision */
  appeals: number
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

/** What every service of one platform instance shares besides the state. */
export interface ServiceDeps {
  config: PlatformConfig
  calendar: Calendar
  now: () => number
  scheduler: Scheduler
  sink: EventSink
  /** Push to the merchant's webhook (fire and forget). */
  push: (merchantId: string, type: WebhookType, data: Record<string, unknown>) => void
}

/** A stored idempotent reply of `POST /buyer/orders`. */
export interface IdempotentReply {
  body: string
  status: number
  response: unknown
}

/** Stops an order's pending pickup and trace deadlines. */
export function cancelOrderDeadlines(o: OrderState): void {
  if (o.pickup) o.pickup.cancelled = true
  if (o.trace) o.trace.cancelled = true
  o.pickup = undefined
  o.trace = undefined
}

/**
 * The mock platform's state: in-memory Maps for O(1) hot-path lookups, the id counter and the
 * lookups that answer a coded 404/403. The services in `rooms/*` change it; nothing here judges.
 */
/** The calendar and ruleset versions @d11/order-flow decides with (the shipped versions, per action). */
const flowRulesByCalendar = new WeakMap<Calendar, FlowRules>()

export type { FlowRules }
export function flowRules(deps: Pick<ServiceDeps, 'calendar'>): FlowRules {
  let r = flowRulesByCalendar.get(deps.calendar)
  if (!r) {
    r = { calendar: deps.calendar }
    flowRulesByCalendar.set(deps.calendar, r)
  }
  return r
}

export class PlatformState {
  readonly merchants = new Map<string, MerchantState>()
  readonly skus = new Map<string, SkuState>()
  readonly buyers = new Map<string, Buyer>()
  readonly orders = new Map<string, OrderState>()
  readonly consultations = new Map<string, ConsultationState>()
  readonly complaints = new Map<string, ComplaintState>()
  readonly refunds = new Map<string, RefundState>()
  readonly idempotency = new Map<string, IdempotentReply>()
  /** presale orders per SKU (PRICE-5 consequences) */
  readonly presaleOrdersBySku = new Map<string, string[]>()
  /**
   * Webhook overrides by merchant id (`*` = every merchant). They outlive a world reload or reset:
   * they say who listens (the merchant service under test), not what the world holds.
   */
  readonly webhookOverrides = new Map<string, string | null>()
  /** SHIP-5: the region vocabulary of the loaded world (its buyers', merchants' and SKUs' regions) */
  private readonly regions = new Set<string>()
  private regionList: string[] | undefined

  /** Adds regions the world names (a world row is the vocabulary of its own regions). */
  addRegions(regions: Iterable<string>): void {
    for (const r of regions) this.regions.add(r)
    this.regionList = undefined
  }

  /** SHIP-5: every region of the loaded world; an order to any other region is unknown. */
  knownRegions(): readonly string[] {
    this.regionList ??= [...this.regions]
    return this.regionList
  }
  private seq = 0
  loaded = false

  nextId(prefix: string): string {
    this.seq += 1
    return `${prefix}-${this.seq}`
  }

  /** Drops the world and everything done in it (not the webhook overrides, nor the id counter). */
  clear(): void {
    for (const o of this.orders.values()) cancelOrderDeadlines(o)
    for (const c of this.complaints.values()) if (c.deadline) c.deadline.cancelled = true
    this.merchants.clear()
    this.regions.clear()
    this.regionList = undefined
    this.skus.clear()
    this.buyers.clear()
    this.orders.clear()
    this.consultations.clear()
    this.complaints.clear()
    this.refunds.clear()
    this.idempotency.clear()
    this.presaleOrdersBySku.clear()
    this.loaded = false
  }

  merchant(id: string): MerchantState {
    return this.merchants.get(id) ?? fail('PLAT_ERR_NOT_FOUND', 'merchantId', `no merchant ${id}`)
  }

  sku(id: string, field = 'skuId'): SkuState {
    return this.skus.get(id) ?? fail('PLAT_ERR_NOT_FOUND', field, `no SKU ${id}`)
  }

  /** The order; with `merchantId`, only when it is that merchant's. */
  order(id: string, merchantId?: string): OrderState {
    const o = this.orders.get(id) ?? fail('PLAT_ERR_NOT_FOUND', 'orderId', `no order ${id}`)
    if (merchantId !== undefined && o.merchantId !== merchantId) {
      fail('PLAT_ERR_FORBIDDEN', 'orderId', `order ${id} belongs to another merchant`)
    }
    return o
  }

  /** A SKU the merchant owns. */
  ownSku(merchantId: string, skuId: string): SkuState {
    const s = this.sku(skuId)
    if (s.merchantId !== merchantId) fail('PLAT_ERR_FORBIDDEN', 'skuId', `SKU ${skuId} is not yours`)
    return s
  }

  requireWorld(): void {
    if (!this.loaded) fail('PLAT_ERR_NO_WORLD', '')
  }
}
