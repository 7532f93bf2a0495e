/**
 * The reference merchant service's core: accepts pushes (idempotent by delivery id), feeds them to
 * the per-merchant model, and calls the platform's merchant API at the simulated instants the
 * model chose. Transport-free, so app.ts, tests and the benchmark share it.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import type { Profile } from '@d11/merchant-model/profile'
import { lastPublicationAt } from '@d11/order-flow/stock-policy'
import type { SimClockLike } from '@d11/time/sim-clock'
import { ActionQueue } from './action-queue.ts'
import { Inventory, MerchantModel, type ReplyMode, StockPublisher } from './model.ts'
import type { PlatformClient, PlatformReply } from './platform-client.ts'
import type { WebhookEnvelope } from './schemas.ts'

export interface MerchantStats {
  pushes: number
  duplicates: number
  byType: Record<string, number>
  pickups: number
  traces: number
  oversold: number
  /** stock publications the platform accepted (`lagging` only) */
  stockSyncs: number
  replies: Record<ReplyMode, number>
  abandoned: number
  diverted: number
  refundsDecided: number
  complaintsHandled: number
  platformErrors: number
  /** orders accepted and not yet traced */
  openOrders: number
  pendingActions: number
}

export interface MerchantServiceOptions {
  /** The profile of every merchant not named in `profiles`. */
  profile: Profile
  /** Per-merchant profiles (a population, `@d11/merchant-model/population`). @default none */
  profiles?: ReadonlyMap<string, Profile>
  clock: SimClockLike
  client: PlatformClient | null
  /** Physical stock per SKU id (optional; without it the platform's `oversold` flag decides). */
  stock?: Iterable<[string, number]>
  /** Append-only journal of accepted pushes, replayed on start (survives restarts). */
  journalPath?: string
  onError?: (err: unknown) => void
  /** Delivery ids remembered for de-duplication: at least this many of the latest. @default 1_000_000 */
  dedupWindow?: number
}

const REPLY_TEXT: Record<ReplyMode, string> = {
  'auto-reply': 'Thanks for your message, we will get back to you shortly.',
  bot: 'Hi! Your question is answered in the campaign FAQ; orders ship within 48 hours.',
  'bot-assisted': 'Checked your order: it ships with the next carrier wave.',
  human: 'Sorry for the wait, I checked and your order is on its way.',
}

export class MerchantService {
  readonly queue: ActionQueue
  private readonly models = new Map<string, MerchantModel>()
  private readonly inventory: Inventory
  /** delivery ids seen: two generations of at most `dedupWindow` ids each (retries come within seconds) */
  private seen = new Set<string>()
  private seenBefore = new Set<string>()
  /** open orders: orderId → merchantId, dropped once traced or oversold */
  private readonly open = new Map<string, string>()
  private readonly stats = {
    pushes: 0,
    duplicates: 0,
    byType: {} as Record<string, number>,
    pickups: 0,
    traces: 0,
    oversold: 0,
    stockSyncs: 0,
    replies: { bot: 0, 'bot-assisted': 0, human: 0, 'auto-reply': 0 } as Record<ReplyMode, number>,
    abandoned: 0,
    diverted: 0,
    refundsDecided: 0,
    complaintsHandled: 0,
    platformErrors: 0,
  }
  /** one stale stock view per `lagging` profile, each published every its `syncEveryMinutes` */
  private readonly publishers = new Map<Profile, StockPublisher>()
  private replaying = false
  private inFlight = new Set<Promise<unknown>>()

  constructor(private readonly opts: MerchantServiceOptions) {
    this.queue = new ActionQueue(opts.clock)
    const stock = [...(opts.stock ?? [])]
    this.inventory = new Inventory(stock)
    const physical = new Map(stock)
    for (const p of new Set([opts.profile, ...(opts.profiles?.values() ?? [])])) {
      if (p.stock.reservation !== 'lagging') continue
      const publisher = new StockPublisher(p.stock, physical)
      this.publishers.set(p, publisher)
      this.scheduleStockSync(p, publisher)
    }
    if (opts.journalPath && existsSync(opts.journalPath)) {
      this.replaying = true
      for (const line of readFileSync(opts.journalPath, 'utf8').split('\n')) {
        if (line.trim()) this.accept(JSON.parse(line) as WebhookEnvelope)
      }
      this.replaying = false
    }
  }

  get profile(): Profile {
    return this.opts.profile
  }

  /** The profile merchant `merchantId` runs. */
  profileOf(merchantId: string): Profile {
    return this.opts.profiles?.get(merchantId) ?? this.opts.profile
  }

  private model(merchantId: string): MerchantModel {
    let m = this.models.get(merchantId)
    if (!m) {
      m = new MerchantModel(this.profileOf(merchantId), merchantId, this.inventory)
      this.models.set(merchantId, m)
    }
    return m
  }

  /** Accept one push. Returns `duplicate: true` (and does nothing) for a delivery id seen before. */
  accept(env: WebhookEnvelope): { duplicate: boolean } {
    if (this.seen.has(env.id) || this.seenBefore.has(env.id)) {
      this.stats.duplicates++
      return { duplicate: true }
    }
    // journal before acting and before the ack: at-least-once survives a restart
    if (this.opts.journalPath && !this.replaying)
      appendFileSync(this.opts.journalPath, `${JSON.stringify(env)}\n`)
    this.seen.add(env.id)
    if (this.seen.size >= (this.opts.dedupWindow ?? 1_000_000)) {
      this.seenBefore = this.seen
      this.seen = new Set()
    }
    this.stats.pushes++
    this.stats.byType[env.type] = (this.stats.byType[env.type] ?? 0) + 1
    const model = this.model(env.merchantId)
    const m = env.merchantId
    switch (env.type) {
      case 'order.paid': {
        const o = env.data
        if (this.open.has(o.id)) break
        // only lagging merchants publish; the others keep the platform's exact count
        this.publishers.get(this.profileOf(m))?.recordSale(m, o.skuId, o.quantity, env.simTime)
        const plan = model.onPaid(o, env.simTime)
        if (plan.kind === 'oversold') {
          // can never ship: the platform refunds and compensates it at the deadline (PAY-3)
          this.stats.oversold++
          break
        }
        this.open.set(o.id, m)
        this.queue.at(plan.pickupAt, () =>
          this.call(this.opts.client?.pickup(m, o.id), (r) => {
            if (r.status === 200) {
              this.stats.pickups++
              this.queue.at(Math.max(plan.traceAt, this.opts.clock.now()), () =>
                this.call(this.opts.client?.trace(m, o.id), (t) => {
                  if (t.status === 200) this.stats.traces++
                  this.open.delete(o.id)
                }),
              )
            } else {
              if (r.body.code === 'PLAT_ERR_OUT_OF_STOCK') this.stats.oversold++
              this.open.delete(o.id)
            }
          }),
        )
        break
      }
      case 'consultation.message': {
        const plan = model.cs.onMessage(env.simTime)
        if (plan.abandoned) this.stats.abandoned++
        if (plan.diverted) this.stats.diverted++
        for (const r of plan.replies) {
          this.queue.at(r.at, () =>
            this.call(
              this.opts.client?.reply(m, env.data.consultationId, r.mode, REPLY_TEXT[r.mode]),
              (res) => {
                if (res.status === 200) this.stats.replies[r.mode]++
              },
            ),
          )
        }
        break
      }
      case 'refund.requested': {
        const at = model.refunds.plan(env.simTime)
        this.queue.at(at, () =>
          this.call(this.opts.client?.decideRefund(m, env.data.refundId, true), (r) => {
            if (r.status === 200) this.stats.refundsDecided++
          }),
        )
        break
      }
      case 'complaint.filed': {
        const at = model.complaints.plan(env.simTime)
        // dispute: the platform judges the facts, so a complaint about an on-time order is rejected
        this.queue.at(at, () =>
          this.call(this.opts.client?.handleComplaint(m, env.data.complaintId, 'dispute'), (r) => {
            if (r.status === 200) this.stats.complaintsHandled++
          }),
        )
        break
      }
    }
    return { duplicate: false }
  }

  /**
   * Every `syncEveryMinutes` of simulated time, on the clock's grid (…:00, :05 at 5 min, as a cron
   * runs), publish the stale stock view as of that instant (`lagging`). After a jump of the clock
   * the latest grid instant passed is the one published: nothing sold in between.
   */
  private scheduleStockSync(
    profile: Profile,
    publisher: StockPublisher,
    after = this.opts.clock.now(),
  ): void {
    const every = profile.stock.syncEveryMinutes * 60_000
    this.queue.at(lastPublicationAt(after, every) + every, () => {
      const at = lastPublicationAt(this.opts.clock.now(), every)
      for (const pub of publisher.sync(at)) {
        this.call(this.opts.client?.publishStock(pub.merchantId, pub.skuId, pub.available), (r) => {
          if (r.status === 200) this.stats.stockSyncs++
        })
      }
      this.scheduleStockSync(profile, publisher, at)
    })
  }

  private call(p: Promise<PlatformReply> | undefined, then: (r: PlatformReply) => void): void {
    if (!p) return
    const tracked = p.then(
      (r) => {
        // 409 after a restart means the action was already done: not an error
        if (r.status >= 400 && r.status !== 409) this.stats.platformErrors++
        then(r)
      },
      (err: unknown) => {
        this.stats.platformErrors++
        this.opts.onError?.(err)
      },
    )
    this.inFlight.add(tracked)
    void tracked.finally(() => this.inFlight.delete(tracked))
  }

  /** Physical units left of a SKU in the merchant's own stock view (undefined when unknown). */
  stockLeft(skuId: string): number | undefined {
    return this.inventory.remaining(skuId)
  }

  snapshot(): MerchantStats {
    return {
      ...this.stats,
      byType: { ...this.stats.byType },
      replies: { ...this.stats.replies },
      openOrders: this.open.size,
      // the recurring stock sync is not a pending action
      pendingActions: this.queue.size - this.publishers.size,
    }
  }

  /** Stop scheduling and wait for platform calls in flight. */
  async close(): Promise<void> {
    this.queue.close()
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
  }
}
