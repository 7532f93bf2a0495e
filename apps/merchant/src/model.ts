/**
 * The reference merchant's internal model, in simulated time (epoch ms). Pure and synchronous:
 * each input (a paid order, a buyer message, a refund request, a complaint) returns the actions the
 * merchant will take and the simulated instants at which it takes them. The service schedules them;
 * tests drive the model directly with synthetic load. Random draws come from one seeded PRNG per
 * merchant (seedrandom), never Math.random.
 */

import { ShiftCalendar } from '@d11/merchant-model/capacity'
import type { Profile } from '@d11/merchant-model/profile'
import { Desk, type ShipPlan, Warehouse } from '@d11/merchant-model/warehouse'
import { publishedUnits } from '@d11/order-flow/stock-policy'
import seedrandom from 'seedrandom'

const SEC = 1000
const MIN = 60_000

export type ReplyMode = 'bot' | 'bot-assisted' | 'human' | 'auto-reply'

export interface OversoldPlan {
  kind: 'oversold'
}
export interface ReplyPlan {
  at: number
  mode: ReplyMode
}
export interface MessagePlan {
  replies: ReplyPlan[]
  /** no effective reply: the buyer left the queue (EXP-1 counts it unanswered) */
  abandoned: boolean
  /** the message went bot-only because the human queue was past `botOnlyQueueDepth` (003) */
  diverted: boolean
}

/** Physical stock per SKU; an order that finds none left can never ship (oversold). */
export class Inventory {
  private readonly left = new Map<string, number>()
  constructor(stock: Iterable<[string, number]> = []) {
    for (const [sku, n] of stock) this.left.set(sku, n)
  }

  /** Known SKUs only: an unknown SKU is trusted to the platform's own `oversold` flag. */
  allocate(skuId: string, quantity: number): 'allocated' | 'oversold' | 'unknown' {
    const n = this.left.get(skuId)
    if (n === undefined) return 'unknown'
    if (n < quantity) return 'oversold'
    this.left.set(skuId, n - quantity)
    return 'allocated'
  }

  release(skuId: string, quantity: number): void {
    const n = this.left.get(skuId)
    if (n !== undefined) this.left.set(skuId, n + quantity)
  }

  remaining(skuId: string): number | undefined {
    return this.left.get(skuId)
  }
}

/**
 * The sellable count the platform sees for one SKU under the profile's reservation policy:
 * `strict` sells physical stock less safety stock; `buffered` sells `bufferShare` beyond it;
 * `lagging` re-publishes sellable stock every `syncEveryMinutes` from a sales view `syncLagMinutes`
 * old, so the units sold inside the lag are sold again (how real merchants oversell, 000).
 */
export class StockSync {
  private readonly sales: number[] = []
  private sold = 0
  private sellable: number
  private nextSync = Number.NEGATIVE_INFINITY
  constructor(
    private readonly p: Profile['stock'],
    private readonly physical: number,
  ) {
    this.sellable = this.published(0)
  }

  private published(knownSold: number): number {
    const base = Math.floor(this.physical * (1 - this.p.safetyStockShare))
    if (this.p.reservation === 'buffered')
      return Math.floor(this.physical * (1 + this.p.bufferShare)) - knownSold
    return base - knownSold
  }

  /** A buyer tries to buy `quantity` at `t`: accepted by the platform or rejected out of stock. */
  tryBuy(t: number, quantity: number): boolean {
    if (this.p.reservation === 'lagging' && t >= this.nextSync) {
      const cutoff = t - this.p.syncLagMinutes * MIN
      let known = 0
      for (let i = 0; i < this.sales.length; i += 2) if (this.sales[i]! <= cutoff) known += this.sales[i + 1]!
      // the stale view forgets the sales after `cutoff`: those units are offered again
      this.sellable = this.published(known)
      this.nextSync = t + this.p.syncEveryMinutes * MIN
    }
    if (this.sellable < quantity) return false
    this.sellable -= quantity
    this.sold += quantity
    this.sales.push(t, quantity)
    return true
  }

  get unitsSold(): number {
    return this.sold
  }
}

/** One stock publication: the units the merchant tells the platform it still has to sell. */
export interface StockPublication {
  merchantId: string
  skuId: string
  available: number
}

/**
 * What the service publishes to the platform under the `lagging` policy
 * (`PUT /merchant/:id/skus/:skuId/stock`): every `syncEveryMinutes`, each SKU it has sold, as
 * physical stock less safety stock less the sales it knew of `syncLagMinutes` ago. The sales inside
 * the lag are missing from the figure, so the platform sells those units again (000).
 *
 * The platform sells a publication less what it sold since, so an unchanged figure still resets it
 * when units sold in between: a SKU is skipped only when neither its figure nor its sales moved.
 */
export class StockPublisher {
  private readonly skus = new Map<
    string,
    {
      merchantId: string
      physical: number
      /** units sold at or before the last cutoff */
      known: number
      /** sales after the last cutoff, as (simTime, quantity) pairs, oldest first */
      recent: number[]
      last: number | undefined
      /** sales recorded since the last publication */
      soldSince: boolean
    }
  >()

  constructor(
    private readonly p: Profile['stock'],
    private readonly physical: ReadonlyMap<string, number>,
  ) {}

  /** A paid order of `quantity` units at simulated `t`. SKUs without a known physical stock are skipped. */
  recordSale(merchantId: string, skuId: string, quantity: number, t: number): void {
    let s = this.skus.get(skuId)
    if (!s) {
      const physical = this.physical.get(skuId)
      if (physical === undefined) return
      s = { merchantId, physical, known: 0, recent: [], last: undefined, soldSince: false }
      this.skus.set(skuId, s)
    }
    s.recent.push(t, quantity)
    s.soldSince = true
  }

  /** The publications of a sync at `t`: the stale view of every SKU sold, where it or its sales changed. */
  sync(t: number): StockPublication[] {
    const cutoff = t - this.p.syncLagMinutes * MIN
    const out: StockPublication[] = []
    for (const [skuId, s] of this.skus) {
      // sales arrive roughly in time order; fold everything at or before the cutoff
      let kept = 0
      for (let i = 0; i < s.recent.length; i += 2) {
        if (s.recent[i]! <= cutoff) s.known += s.recent[i + 1]!
        else {
          s.recent[kept] = s.recent[i]!
          s.recent[kept + 1] = s.recent[i + 1]!
          kept += 2
        }
      }
      s.recent.length = kept
      const base =
        this.p.reservation === 'buffered'
          ? Math.floor(s.physical * (1 + this.p.bufferShare))
          : Math.floor(s.physical * (1 - this.p.safetyStockShare))
      const available = publishedUnits(base, s.known)
      if (available !== s.last || s.soldSince) {
        s.last = available
        s.soldSince = false
        out.push({ merchantId: s.merchantId, skuId, available })
      }
    }
    return out
  }
}

/**
 * Customer service: a bot in front (coverage share), human agents on shifts in a multi-server
 * queue with log-normal handling times, bot-only diversion at the burst (003), auto-replies that
 * EXP-1 does not count (001), and buyers who leave after `abandonAfterMinutes`.
 */
export class CustomerService {
  private readonly headcount: ShiftCalendar
  private readonly agentFree: number[]
  /** min-heap of the start times of human turns not yet begun, for the queue depth */
  private readonly waiting: number[] = []
  private readonly mu: number
  private readonly sigma: number

  constructor(
    private readonly p: Profile['customerService'],
    private readonly rng: () => number,
  ) {
    const a = p.agents
    this.headcount = new ShiftCalendar(
      a.shifts.map((s) => ({ from: s.from, to: s.to, rate: s.count ?? a.count })),
    )
    const maxAgents = Math.max(0, ...a.shifts.map((s) => s.count ?? a.count))
    this.agentFree = new Array<number>(maxAgents).fill(Number.NEGATIVE_INFINITY)
    this.mu = Math.log(a.responseSeconds.median)
    this.sigma = Math.log(a.responseSeconds.p90 / a.responseSeconds.median) / 1.2815515655446004
  }

  /** Messages waiting for a human at `t` (their turn starts later). */
  queueDepth(t: number): number {
    const h = this.waiting
    while (h.length > 0 && h[0]! <= t) heapPop(h)
    return h.length
  }

  private drawHandlingMs(): number {
    // Box-Muller on the seeded PRNG
    const u = Math.max(this.rng(), 1e-12)
    const v = this.rng()
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    return Math.exp(this.mu + this.sigma * z) * SEC
  }

  onMessage(t: number): MessagePlan {
    const replies: ReplyPlan[] = []
    if (this.p.autoReply.enabled)
      replies.push({ at: t + this.p.autoReply.delaySeconds * SEC, mode: 'auto-reply' })
    const bot = { at: t + this.p.bot.latencySeconds * SEC, mode: 'bot' as const }
    const depth = this.p.botOnlyQueueDepth > 0 ? this.queueDepth(t) : 0
    if (this.p.botOnlyQueueDepth > 0 && depth >= this.p.botOnlyQueueDepth) {
      replies.push(bot)
      return { replies, abandoned: false, diverted: true }
    }
    if (this.rng() < this.p.bot.coverage) {
      replies.push(bot)
      return { replies, abandoned: false, diverted: false }
    }
    // earliest agent: agent i is on duty while the head count exceeds i
    let best = Number.POSITIVE_INFINITY
    let bestI = -1
    for (let i = 0; i < this.agentFree.length; i++) {
      const start = this.headcount.nextAtLeast(Math.max(t, this.agentFree[i]!), i + 1)
      if (start < best) {
        best = start
        bestI = i
      }
    }
    const handling = this.drawHandlingMs()
    const assisted = this.rng() < this.p.agents.botAssistedShare
    if (bestI < 0 || best - t > this.p.agents.abandonAfterMinutes * MIN) {
      return { replies, abandoned: true, diverted: false }
    }
    const at = best + Math.round(handling)
    this.agentFree[bestI] = at
    heapPush(this.waiting, best)
    replies.push({ at, mode: assisted ? 'bot-assisted' : 'human' })
    return { replies, abandoned: false, diverted: false }
  }
}

/** One merchant's model: warehouse, inventory, customer service and after-sale desks. */
export class MerchantModel {
  readonly warehouse: Warehouse
  readonly cs: CustomerService
  readonly refunds: Desk
  readonly complaints: Desk
  readonly inventory: Inventory

  constructor(
    readonly profile: Profile,
    merchantId: string,
    inventory: Inventory = new Inventory(),
  ) {
    const rng = seedrandom(`${profile.seed}:${merchantId}`)
    this.warehouse = new Warehouse(profile.warehouse)
    this.cs = new CustomerService(profile.customerService, rng)
    this.refunds = new Desk(profile.afterSale.refundsPerHour, profile.afterSale.shifts)
    this.complaints = new Desk(profile.afterSale.complaintsPerHour, profile.afterSale.shifts)
    this.inventory = inventory
  }

  /** A paid order: oversold when the platform says so or physical stock is gone, else a shipping plan. */
  onPaid(
    order: { skuId: string; quantity: number; oversold?: boolean },
    paidAt: number,
  ): ShipPlan | OversoldPlan {
    if (order.oversold) return { kind: 'oversold' }
    if (this.inventory.allocate(order.skuId, order.quantity) === 'oversold') return { kind: 'oversold' }
    return this.warehouse.plan(paidAt)
  }
}

function heapPush(h: number[], v: number): void {
  h.push(v)
  let i = h.length - 1
  while (i > 0) {
    const p = (i - 1) >> 1
    if (h[p]! <= h[i]!) break
    ;[h[i], h[p]] = [h[p]!, h[i]!]
    i = p
  }
}

function heapPop(h: number[]): void {
  const last = h.pop()
  if (h.length === 0 || last === undefined) return
  h[0] = last
  let i = 0
  for (;;) {
    const l = 2 * i + 1
    const r = l + 1
    let m = i
    if (l < h.length && h[l]! < h[m]!) m = l
    if (r < h.length && h[r]! < h[m]!) m = r
    if (m === i) break
    ;[h[i], h[m]] = [h[m]!, h[i]!]
    i = m
  }
}
