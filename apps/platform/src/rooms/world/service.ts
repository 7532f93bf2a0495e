import { REGIONS } from '@d11/generator/config'
import type { Buyer, Merchant, Registration, Sku } from '@d11/generator/entities'
import { freeShippingListing } from '@d11/order-flow/pricing'
import { fail } from '../../errors.ts'
import type { RegistrationService } from '../registration/service.ts'
import { flowRules, type PlatformState, type ServiceDeps } from '../state.ts'

/** The world's rows (merchants, SKUs, buyers, registrations), webhook targets and reset. */
export class WorldService {
  constructor(
    private readonly state: PlatformState,
    private readonly deps: ServiceDeps,
    private readonly registration: RegistrationService,
  ) {}

  /** Drops all state (world, orders, deadlines); webhook overrides stay. */
  reset(): void {
    this.state.clear()
    this.deps.scheduler.clear()
  }

  /** Points one merchant's pushes (or every merchant's, `*`) at `url`; `null` stops them. */
  setWebhook(merchantId: string, url: string | null): number {
    const { state } = this
    if (merchantId === '*') {
      state.webhookOverrides.clear()
      state.webhookOverrides.set('*', url)
      for (const m of state.merchants.values()) m.webhookUrl = url
      return state.merchants.size
    }
    const merchant = state.merchant(merchantId)
    state.webhookOverrides.set(merchantId, url)
    merchant.webhookUrl = url
    return 1
  }

  private webhookFor(m: Merchant): string | null {
    const overrides = this.state.webhookOverrides
    if (overrides.has(m.id)) return overrides.get(m.id) ?? null
    if (overrides.has('*')) return overrides.get('*') ?? null
    return m.webhookUrl
  }

  addMerchant(m: Merchant): void {
    this.state.merchants.set(m.id, {
      merchant: m,
      webhookUrl: this.webhookFor(m),
      orderIds: [],
      lateOrders: 0,
      pickupJudged: 0,
      pickupOnTime: 0,
      dueOrders: 0,
      merchantLiable: 0,
      payoutsFen: 0,
      warned: false,
      removed: false,
      consultedDays: new Map(),
      manualTurns: 0,
      manualResponseMsSum: 0,
      manualLog: [],
      manualHead: 0,
      disputes: 0,
      failedAppealDisputesFen: [],
    })
    this.state.addRegions([m.region, ...REGIONS])
    this.state.loaded = true
  }

  /** Adds a SKU; returns `false` when its listing breaks SHIP-6 (recorded as a `listing.violation` event). */
  addSku(s: Sku): boolean {
    if (!this.state.merchants.has(s.merchantId)) {
      fail('PLAT_ERR_WORLD_LOAD', 'skus.merchantId', `SKU ${s.id} names unknown merchant ${s.merchantId}`)
    }
    this.state.skus.set(s.id, {
      sku: s,
      merchantId: s.merchantId,
      priceFen: s.listPriceFen,
      perks: [],
      sold: 0,
      sellable: s.stock,
      publishedAt: 0,
      registrations: new Map(),
      appeals: 0,
      appealSuccesses: 0,
      underReview: false,
    })
    this.state.addRegions([...s.restrictedRegions, ...s.shippingTemplate.freeRegions])
    const v = this.listingVerdict(s)
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

  /** Decision SHIP-6: does a free-shipping claim in the title hold in every region? */
  private listingVerdict(s: Sku) {
    return freeShippingListing(s, REGIONS, this.deps.now(), flowRules(this.deps))
  }

  addBuyer(b: Buyer): void {
    this.state.buyers.set(b.id, b)
    this.state.addRegions([b.region])
  }

  /** Apply a world registration row at its own submission time; returns the rule it broke, if any. */
  applyRegistration(r: Registration): string | null {
    return this.registration.applyRegistration(r)
  }
}
