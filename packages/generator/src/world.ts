import { type MinuteCdf, worldCdf, worldWindow } from '@d11/curve/curve'
import { type Calendar, getCalendar, listCalendars, phaseAt } from '@d11/rules/calendar'
import { botOnlyReception, consultationMix } from '@d11/rules/experience'
import { type Ruleset, rulesetAt } from '@d11/rules/ruleset'
import { DAY_MS, shanghaiDay, shanghaiDayStart, toShanghaiIso } from '@d11/time/shanghai'
import { base, en, Faker, zh_CN } from '@faker-js/faker'
import {
  ByteSink,
  jsonString,
  piece,
  putBool,
  putBytes,
  putInt,
  putIsoBody,
  putPadded,
  utf8,
} from './bytes.ts'
import {
  ACTIVITY_LEVEL_MAX,
  BASIC_SERVICE_SCORE_MAX,
  DEFAULT_AFTER_SALE_MIX,
  GeneratorError,
  type GeneratorOptions,
  REFERENCE_DATE,
  REGIONS,
  REMOTE_REGIONS,
  RULE_CATEGORY_TOPIC,
  SCALES,
  type ScaleCounts,
} from './config.ts'
import type {
  AfterSale,
  AfterSaleKind,
  Buyer,
  Campaign,
  CampaignPrice,
  Category,
  Consultation,
  ConsultationTopic,
  EligibilityThreshold,
  EntityByKind,
  EntityKind,
  InvalidReason,
  Membership,
  Merchant,
  MerchantFlaw,
  Order,
  OrderItem,
  Registration,
  RegistrationNode,
  ShopType,
  Sku,
  Tier,
} from './entities.ts'
import { entityId } from './entities.ts'
import {
  type Draws,
  EntityStream,
  entitySeed,
  hashUnit,
  SeededRandomizer,
  tagHash,
  WeightedTable,
} from './rng.ts'

/**
 * Share of each experience metric's best-to-worst span that a generated shop's input falls in: a
 * typical shop scores about 4.2 of EXP-3's 5.
 */
const EXPERIENCE_SPREAD = 0.35
/**
 * Launch stock of a merchant's sell-out item: `min` + an exponential tail of mean `mean` units.
 * DEFAULTS, not from a source; small beside the item's share of the 00:00 demand (~14 % of its
 * shop's orders), as Double 11's limited items are.
 */
const SELL_OUT_STOCK = { min: 5, mean: 15 } as const

const T = {
  merchants: tagHash('merchants'),
  skus: tagHash('skus'),
  registrations: tagHash('registrations'),
  buyers: tagHash('buyers'),
  orders: tagHash('orders'),
  consultations: tagHash('consultations'),
  after_sales: tagHash('after_sales'),
  merchantCategory: tagHash('merchant-category'),
  merchantFlaw: tagHash('merchant-flaw'),
  skuPrice: tagHash('sku-price'),
  skuPresale: tagHash('sku-presale'),
  skuDiscount: tagHash('sku-discount'),
  regPair: tagHash('registration-pair'),
  buyerRegion: tagHash('buyer-region'),
  namePool: tagHash('name-pool'),
  cityPool: tagHash('city-pool'),
} as const

const CATEGORIES: readonly Category[] = [
  'phones',
  'appliances',
  'apparel',
  'beauty',
  'food',
  'mother-baby',
  'home',
  'sports',
]
/** List price range per category, fen. */
const PRICE_RANGE: Record<Category, [number, number]> = {
  phones: [99_900, 899_900],
  appliances: [29_900, 999_900],
  apparel: [5_900, 59_900],
  beauty: [9_900, 99_900],
  food: [1_990, 19_900],
  'mother-baby': [4_900, 49_900],
  home: [2_900, 129_900],
  sports: [4_900, 99_900],
}
const NOUNS: Record<Category, readonly string[]> = {
  phones: ['5G智能手机', '折叠屏手机', '游戏手机', '平板电脑', '无线耳机'],
  appliances: ['滚筒洗衣机', '变频空调', '对开门冰箱', '扫地机器人', '空气炸锅'],
  apparel: ['羽绒服', '羊毛大衣', '加绒卫衣', '牛仔裤', '运动鞋'],
  beauty: ['精华液', '面霜', '口红套装', '防晒霜', '面膜'],
  food: ['坚果礼盒', '牛奶整箱', '大米', '零食大礼包', '咖啡豆'],
  'mother-baby': ['纸尿裤', '婴儿奶粉', '儿童安全座椅', '婴儿推车', '湿巾'],
  home: ['乳胶床垫', '四件套', '收纳箱', '电热毯', '沙发'],
  sports: ['跑步机', '瑜伽垫', '登山包', '羽毛球拍', '健身手环'],
}
const SHOP_TYPES = new WeightedTable<ShopType>([
  ['flagship', 0.35],
  ['specialty', 0.2],
  ['franchise', 0.15],
  ['c-shop', 0.3],
])
const MEMBERSHIP = new WeightedTable<Membership>([
  ['none', 0.6],
  ['tmall-member', 0.3],
  ['88vip', 0.1],
])
/** Rough buyer weights per province (population and online shopping). */
const REGION_TABLE = new WeightedTable<string>(
  REGIONS.map((r, i) => [
    r,
    [
      2, 1, 3, 1.5, 1, 2, 1, 1.5, 3, 5, 5, 3, 3, 2, 5, 5, 3, 3, 7, 2, 0.6, 2, 4, 1.5, 2, 0.2, 2, 1, 0.3, 0.4,
      1,
    ][i]!,
  ]),
)
const EARLIER_CAMPAIGNS: ReadonlyArray<[Campaign, Tier, string, string]> = [
  ['520', 'A', '05-18', '05-21'],
  ['juhuasuan', 'S2', '06-20', '06-23'],
  ['88', 'S2', '08-06', '08-09'],
  ['99', 'S2', '09-05', '09-10'],
  ['qinzi', 'A', '07-01', '07-04'],
  ['tiantian-temai', 'S2', '10-10', '10-13'],
]
const AFTER_SALE_REASONS: Record<AfterSaleKind, readonly string[]> = {
  'refund-request': ['changed-mind', 'not-shipped', 'price-dropped', 'duplicate-order'],
  return: ['size', 'quality', 'not-as-described', 'damage'],
  complaint: [
    'late-shipment',
    'trace-stalled',
    'lost-parcel',
    'false-signature',
    'rude-courier',
    'wrong-item',
  ],
  'negative-review': ['quality', 'slow-delivery', 'service', 'packaging'],
}
const AFTER_SALE_DELAY_DAYS: Record<AfterSaleKind, [number, number]> = {
  'refund-request': [0, 2],
  return: [2, 5],
  complaint: [1, 4],
  'negative-review': [3, 5],
}
const CONSULT_LAG_MS: Record<ConsultationTopic, number> = {
  'presale-question': 0,
  'payment-reminder': 2 * 3_600_000,
  'shipping-inquiry': DAY_MS,
  'after-sale': 3 * DAY_MS,
  'price-complaint': DAY_MS,
}
const THRESHOLDS: readonly EligibilityThreshold[] = [
  'maxViolationPoints',
  'minActivityLevel',
  'maxCompositeRankingPct',
  'minBasicServiceScore',
]
type Eligibility = Ruleset['registration']['eligibility']

/**
 * The strictest REG-3 thresholds of the rulesets in force over the registration windows (`@d11/rules/ruleset`
 * at each node's open and last instant), so a merchant meant eligible passes at any in-window time.
 */
function strictestEligibility(cal: Calendar): Eligibility {
  let e: Eligibility | undefined
  for (const w of Object.values(cal.registration.nodes)) {
    for (const at of [w.opens, w.closes - 1]) {
      const t = rulesetAt(at).registration.eligibility
      e = e
        ? {
            maxViolationPoints: Math.min(e.maxViolationPoints, t.maxViolationPoints),
            minActivityLevel: Math.max(e.minActivityLevel, t.minActivityLevel),
            maxCompositeRankingPct: Math.min(e.maxCompositeRankingPct, t.maxCompositeRankingPct),
            minBasicServiceScore: Math.max(e.minBasicServiceScore, t.minBasicServiceScore),
            // REG-3's EXP-3 gate exists only where 002 is in force (2024); scores are >= 0
            ...(e.minExperienceScore === undefined && t.minExperienceScore === undefined
              ? {}
              : { minExperienceScore: Math.max(e.minExperienceScore ?? 0, t.minExperienceScore ?? 0) }),
          }
        : { ...t }
    }
  }
  return e!
}

/**
 * The spread to draw experience inputs with. Where REG-3's EXP-3 gate is in force (002, 2024) it is
 * narrowed so that every shop clears it (the score is at least `scale × (1 − spread)`), because a
 * shop meant to fail REG-3 fails exactly the threshold it names; elsewhere {@link EXPERIENCE_SPREAD}.
 */
function experienceSpread(e: Eligibility, rs: Ruleset): number {
  const scale = rs.experience.score?.scale
  if (e.minExperienceScore === undefined || scale === undefined) return EXPERIENCE_SPREAD
  return Math.max(0, Math.min(EXPERIENCE_SPREAD, 1 - e.minExperienceScore / scale - 0.01))
}

/** Sizes of the faker-filled buyer name and city pools. */
const NAME_POOL = 8192
const CITY_POOL = 1024

interface ItemDraw {
  sku: number
  merchant: number
  quantity: number
  unitPriceFen: number
}

/** An order's draws as numbers; `finalPaidAt`/`paidAt` are -1 when unpaid. */
export interface OrderDraw {
  t: number
  wave: 1 | 2
  buyer: number
  presale: boolean
  /** the first `itemCount` entries are the cart's items (a scratch array, reused) */
  items: readonly ItemDraw[]
  itemCount: number
  shopCount: number
  depositFen: number
  finalPaymentFen: number
  finalPaidAt: number
  paidAt: number
}

interface SkuCore {
  merchant: number
  category: Category
  listPriceFen: number
  presale: boolean
  /** the valid Double 11 campaign price: below every earlier price (PRICE-2) */
  campaignPriceFen: number
  depositFen: number
}

/** Whether `m` is among the first `n` entries of `list`. */
function seen(list: Int32Array, n: number, m: number): boolean {
  for (let i = 0; i < n; i++) if (list[i] === m) return true
  return false
}

/**
 * A seeded world: `row(kind, index)` builds any entity from (seed, kind, index) alone. Cross
 * references (an order's SKUs and buyer, a consultation's order) are index-derived, so nothing
 * holds whole-world arrays.
 */
export class World {
  readonly seed: number
  readonly calendar: Calendar
  readonly scale: ScaleCounts
  readonly counts: Record<EntityKind, number>
  readonly window: { from: number; to: number }
  private readonly ordersCdf: MinuteCdf
  private readonly consultCdf: MinuteCdf
  private readonly ruleset: Ruleset
  private readonly faker: Faker
  private readonly fr = new SeededRandomizer()
  /** per-row streams of the catalogue and traffic kinds (faker's own stays `fr`) */
  private readonly rr = new EntityStream()
  private readonly orderR = new EntityStream()
  private readonly buyerR = new EntityStream()
  private readonly consultMix: WeightedTable<ConsultationTopic>
  private readonly subtopics: Record<ConsultationTopic, readonly string[]>
  private readonly afterMix: WeightedTable<AfterSaleKind>
  private readonly invalidShare: number
  private readonly ineligibleShare: number
  /** REG-3 thresholds merchants are calibrated against */
  readonly eligibility: Eligibility
  /** share of each experience metric's span a shop's input falls in (see {@link experienceInput}) */
  private readonly experienceSpread: number
  private readonly presaleShare: number
  private readonly crossStoreShare: number
  private readonly year: string
  private lastMerchant: { index: number; value: Merchant } | undefined
  private pools: { names: string[]; cities: string[] } | undefined
  private readonly refDate = Date.parse(REFERENCE_DATE)
  private readonly historyStart: number
  private readonly historyDays: number

  constructor(readonly options: GeneratorOptions) {
    this.seed = options.seed
    if (!listCalendars().includes(options.calendar)) {
      throw new GeneratorError(
        `--calendar: unknown calendar "${options.calendar}" (CAL-2; known: ${listCalendars().join(', ')})`,
        '--calendar',
      )
    }
    this.calendar = getCalendar(options.calendar)
    const scale = SCALES[options.scale]
    if (!scale) throw new GeneratorError(`--scale: unknown scale "${options.scale}"`, '--scale')
    this.scale = scale
    const skus = scale.merchants * scale.skusPerMerchant
    this.counts = {
      merchants: scale.merchants,
      skus,
      registrations: skus * 2,
      buyers: scale.buyers,
      orders: scale.orders,
      consultations: scale.consultations,
      after_sales: scale.afterSales,
    }
    this.skuPrices = new Int32Array(skus * 4)
    this.window = worldWindow(this.calendar)
    this.ordersCdf = worldCdf(this.calendar, 'orders')
    this.consultCdf = worldCdf(this.calendar, 'consultations')
    this.ruleset = rulesetAt(this.calendar.waves[1].spot.opens)
    this.faker = new Faker({ locale: [zh_CN, en, base], randomizer: this.fr })
    this.faker.setDefaultRefDate(REFERENCE_DATE)
    // EXP-4 mix and subtopics come from the ruleset in force at the global peak (@d11/rules).
    const ruleMix = consultationMix(this.ruleset)
    const shares = {} as Record<ConsultationTopic, number>
    this.subtopics = {} as Record<ConsultationTopic, readonly string[]>
    for (const c of ruleMix) {
      const topic = RULE_CATEGORY_TOPIC[c.id]
      if (!topic)
        throw new GeneratorError(`EXP-4: ruleset consultation category "${c.id}" has no topic`, '--calendar')
      shares[topic] = c.share
      this.subtopics[topic] = c.subtypes.length > 0 ? c.subtypes : ['general']
    }
    this.consultMix = new WeightedTable(
      Object.entries({ ...shares, ...options.consultationMix }).filter(([t]) => t in this.subtopics) as Array<
        [ConsultationTopic, number]
      >,
    )
    this.afterMix = new WeightedTable(
      Object.entries({ ...DEFAULT_AFTER_SALE_MIX, ...options.afterSaleMix }) as Array<
        [AfterSaleKind, number]
      >,
    )
    this.invalidShare = options.invalidRegistrationShare ?? 0.12
    if (!(this.invalidShare >= 0 && this.invalidShare <= 1)) {
      throw new GeneratorError(
        '--invalid-share: must be between 0 and 1 (REG-1, REG-2, REG-4, PRICE-2)',
        '--invalid-share',
      )
    }
    this.ineligibleShare = options.ineligibleMerchantShare ?? 0.08
    if (!(this.ineligibleShare >= 0 && this.ineligibleShare + this.invalidShare / 8 <= 1)) {
      throw new GeneratorError(
        '--ineligible-share: must be between 0 and 1 − invalid share / 8 (REG-3)',
        '--ineligible-share',
      )
    }
    this.eligibility = strictestEligibility(this.calendar)
    this.experienceSpread = experienceSpread(this.eligibility, this.ruleset)
    this.presaleShare = options.presaleOrderShare ?? 0.8
    this.crossStoreShare = options.crossStoreShare ?? 0.3
    this.historyStart = shanghaiDayStart(this.calendar.registration.opens) - 30 * DAY_MS
    this.historyDays = Math.ceil((this.window.from - this.historyStart) / DAY_MS)
    this.year = shanghaiDay(this.calendar.waves[1].spot.opens).slice(0, 4)
  }

  /** The consultation mix in force (normalized shares per EXP-4 topic). */
  consultationShares(): Record<ConsultationTopic, number> {
    const out = {} as Record<ConsultationTopic, number>
    for (const v of this.consultMix.values) out[v] = this.consultMix.share(v)
    return out
  }

  row<K extends EntityKind>(kind: K, index: number): EntityByKind[K] {
    switch (kind) {
      case 'merchants':
        return this.merchant(index) as EntityByKind[K]
      case 'skus':
        return this.sku(index) as EntityByKind[K]
      case 'registrations':
        return this.registration(index) as EntityByKind[K]
      case 'buyers':
        return this.buyer(index) as EntityByKind[K]
      case 'orders':
        return this.order(index) as EntityByKind[K]
      case 'consultations':
        return this.consultation(index) as EntityByKind[K]
      default:
        return this.afterSale(index) as EntityByKind[K]
    }
  }

  /** Row `index` of `kind` as its NDJSON line (with the newline): exactly `JSON.stringify(row)`. */
  line(kind: EntityKind, index: number): string {
    const sink = new ByteSink(2048)
    this.writeLine(kind, index, sink)
    return Buffer.from(sink.view()).toString('utf8')
  }

  /**
   * Writes row `index` of `kind` as its NDJSON line into `sink`: the same bytes as
   * `JSON.stringify(row)`, but the high-volume kinds are written field by field from their draws
   * (no row object, no strings).
   */
  writeLine(kind: EntityKind, index: number, sink: ByteSink): void {
    if (kind === 'orders') this.writeOrder(index, sink)
    else if (kind === 'consultations') this.writeConsultation(index, sink)
    else if (kind === 'after_sales') this.writeAfterSale(index, sink)
    else if (kind === 'buyers') this.writeBuyer(index, sink)
    else sink.text(`${JSON.stringify(this.row(kind, index))}\n`)
  }

  private merchantIds: string[] | undefined
  private skuIds: string[] | undefined

  /** `entityId('merchants', m)`, from a per-world table (orders reference merchants over and over). */
  merchantId(m: number): string {
    this.merchantIds ??= Array.from({ length: this.counts.merchants }, (_, j) => entityId('merchants', j))
    return this.merchantIds[m]!
  }

  /** `entityId('skus', k)`, from a per-world table. */
  skuId(k: number): string {
    this.skuIds ??= Array.from({ length: this.counts.skus }, (_, j) => entityId('skus', j))
    return this.skuIds[k]!
  }

  // ---- cheap index-derived facts (shared by the entity and whoever references it) ----

  merchantCategory(m: number): Category {
    return CATEGORIES[Math.floor(hashUnit(this.seed, T.merchantCategory, m) * CATEGORIES.length)]!
  }

  /**
   * A merchant's deliberate flaw, index-derived so its registrations know it: `REG-3` (fails one
   * eligibility threshold) for `ineligibleMerchantShare` of merchants, `REG-4` (no cross-store
   * coupon) for an eighth of the invalid-registration share, else `null`.
   */
  merchantFlaw(m: number): { flaw: MerchantFlaw | null; threshold: EligibilityThreshold | null } {
    const u = hashUnit(this.seed, T.merchantFlaw, m)
    if (u < this.ineligibleShare) {
      const threshold = THRESHOLDS[Math.floor((u / this.ineligibleShare) * THRESHOLDS.length)]!
      return { flaw: 'REG-3', threshold }
    }
    if (u < this.ineligibleShare + this.invalidShare / 8) return { flaw: 'REG-4', threshold: null }
    return { flaw: null, threshold: null }
  }

  buyerRegion(b: number): string {
    return REGION_TABLE.values[this.buyerRegionIndex(b)]!
  }

  private buyerRegionIndex(b: number): number {
    return REGION_TABLE.index(hashUnit(this.seed, T.buyerRegion, b))
  }

  private skuCores: Array<SkuCore | undefined> | undefined

  /** {@link computeSkuCore} memoized per world (a SKU row and its two registrations ask; ≤ 100k SKUs). */
  skuCore(k: number): SkuCore {
    this.skuCores ??= new Array<SkuCore | undefined>(this.counts.skus)
    let core = this.skuCores[k]
    if (core === undefined) {
      core = this.computeSkuCore(k)
      this.skuCores[k] = core
    }
    return core
  }

  private readonly skuPrices: Int32Array

  /**
   * Where SKU `k`'s order-time fields start in {@link skuPrices}: list, campaign and deposit price
   * (fen) and the presale flag, side by side. Orders look SKUs up at random, tens of millions of
   * times; one flat array keeps each SKU in one cache line where `SkuCore` objects scattered over
   * the heap cost a miss each. Filled on first use (a list price is never 0).
   */
  private skuSlot(k: number): number {
    const at = k * 4
    if (this.skuPrices[at] === 0) {
      const core = this.computeSkuCore(k)
      this.skuPrices[at] = core.listPriceFen
      this.skuPrices[at + 1] = core.campaignPriceFen
      this.skuPrices[at + 2] = core.depositFen
      this.skuPrices[at + 3] = core.presale ? 1 : 0
    }
    return at
  }

  private computeSkuCore(k: number): SkuCore {
    const merchant = Math.floor(k / this.scale.skusPerMerchant)
    const category = this.merchantCategory(merchant)
    const [lo, hi] = PRICE_RANGE[category]
    const listPriceFen = Math.round((lo * (hi / lo) ** hashUnit(this.seed, T.skuPrice, k)) / 100) * 100
    const presale = hashUnit(this.seed, T.skuPresale, k) < 0.3
    const discount = 0.7 + 0.1 * hashUnit(this.seed, T.skuDiscount, k)
    const campaignPriceFen = Math.floor((listPriceFen * discount) / 10) * 10
    const depositFen = presale ? Math.max(100, Math.round((campaignPriceFen * 0.2) / 100) * 100) : 0
    return { merchant, category, listPriceFen, presale, campaignPriceFen, depositFen }
  }

  // ---- entities ----

  /**
   * One experience input (the metrics EXP-3 scores) on the ruleset's own scale: `u` in [0, 1) lands
   * within the best `experienceSpread` of the metric's best-to-worst span.
   */
  private experienceInput(metric: string, u: number): number {
    const m = this.ruleset.experience.metrics[metric]
    if (!m)
      throw new GeneratorError(`ruleset ${this.ruleset.version}: no EXP-3 metric "${metric}"`, '--calendar')
    return m.best + (m.worst - m.best) * this.experienceSpread * u
  }

  merchant(m: number): Merchant {
    const r = this.fr
    const f = this.faker
    f.seed(entitySeed(this.seed, T.merchants, m))
    const { flaw, threshold } = this.merchantFlaw(m)
    const e = this.eligibility
    // REG-3 inputs on the rule's scales, inside the thresholds unless this merchant fails one.
    const violationPoints =
      threshold === 'maxViolationPoints'
        ? e.maxViolationPoints + r.range(1, 12)
        : r.chance(0.15)
          ? r.range(1, Math.max(1, Math.floor(e.maxViolationPoints)))
          : 0
    const minActivity = Math.ceil(e.minActivityLevel)
    const activityLevel =
      threshold === 'minActivityLevel'
        ? r.range(0, Math.max(0, minActivity - 1))
        : r.range(minActivity, Math.max(minActivity, ACTIVITY_LEVEL_MAX))
    const maxPct = e.maxCompositeRankingPct
    const compositeRanking =
      threshold === 'maxCompositeRankingPct'
        ? round4((maxPct + 1 + r.next() * (99 - maxPct - 1)) / 100)
        : round4((r.next() * (maxPct - 1)) / 100)
    const minService = e.minBasicServiceScore
    const basicServiceScore =
      threshold === 'minBasicServiceScore'
        ? round2(Math.max(0, minService - 1) + r.next() * (Math.min(1, minService) - 0.01))
        : round2(minService + 0.01 + r.next() * (BASIC_SERVICE_SCORE_MAX - minService - 0.01))
    return {
      id: entityId('merchants', m),
      name: f.company.name(),
      shopType: SHOP_TYPES.pick(r.next()),
      category: this.merchantCategory(m),
      region: r.pick(REGIONS),
      violationPoints,
      activityLevel,
      compositeRanking,
      basicServiceScore,
      experience: {
        firstReturnRate: round4(this.experienceInput('firstReturnRate', r.next())),
        negativeReviewRate: round4(this.experienceInput('negativeReviewRate', r.next())),
        pickup48hRate: round4(this.experienceInput('pickup48hRate', r.next())),
        deliveryHours: round2(this.experienceInput('deliveryHours', r.next())),
        manualResponseSec: round2(this.experienceInput('manualResponseSeconds', r.next())),
        refundProcessingHours: round2(this.experienceInput('refundProcessingHours', r.next())),
        disputeLiabilityRate: round4(this.experienceInput('disputeLiabilityRate', r.next())),
        replyRate: round4(0.8 + r.next() * 0.2),
      },
      webhookUrl: null,
      crossStoreCoupon: flaw !== 'REG-4',
      expectedRejection: flaw,
      failsThreshold: threshold,
      openedAt: toShanghaiIso(f.date.past({ years: 8 }).getTime()),
    }
  }

  private cachedMerchant(m: number): Merchant {
    if (this.lastMerchant?.index !== m) this.lastMerchant = { index: m, value: this.merchant(m) }
    return this.lastMerchant.value
  }

  sku(k: number): Sku {
    const core = this.skuCore(k)
    const brand = brandOf(this.cachedMerchant(core.merchant).name)
    const r = this.rr
    r.seed(entitySeed(this.seed, T.skus, k))
    const claim = r.chance(0.4)
    const freeRegions: string[] = claim
      ? r.chance(0.12)
        ? REGIONS.filter((x) => !(REMOTE_REGIONS as readonly string[]).includes(x)) // SHIP-6 violation
        : [...REGIONS]
      : r.chance(0.5)
        ? REGIONS.filter((x) => !(REMOTE_REGIONS as readonly string[]).includes(x))
        : []
    const restrictedRegions = r.chance(0.15) ? REMOTE_REGIONS.filter(() => r.chance(0.5)) : []
    // Daily prices from 30 days before registration opens up to the world window, so PRICE-2 has
    // the reference prices of its validation window at every registration time.
    const historyStart = this.historyStart
    const pricesFen: number[] = []
    let level = 0.95 + r.next() * 0.08
    for (let d = 0; d < this.historyDays; d++) {
      level = Math.min(1.05, Math.max(0.88, level + (r.next() - 0.5) * 0.03))
      pricesFen.push(Math.round((core.listPriceFen * level) / 10) * 10)
    }
    const campaignPrices: CampaignPrice[] = []
    for (const [campaign, tier, from, to] of EARLIER_CAMPAIGNS) {
      if (!r.chance(0.35)) continue
      campaignPrices.push({
        campaign,
        tier,
        priceFen: Math.round((core.listPriceFen * (0.82 + r.next() * 0.08)) / 10) * 10,
        from: `${this.year}-${from}T00:00:00.000+08:00`,
        to: `${this.year}-${to}T00:00:00.000+08:00`,
      })
    }
    const noun = r.pick(NOUNS[core.category])
    const spec = `${r.pick(['旗舰款', '标准版', '升级款', '礼盒装', '大容量', '新款'])}`
    return {
      id: entityId('skus', k),
      merchantId: entityId('merchants', core.merchant),
      title: `${brand} ${noun} ${spec}${claim ? ' 包邮' : ''}`,
      category: core.category,
      freeShippingClaim: claim,
      shippingTemplate: {
        id: `t-${String(k + 1).padStart(8, '0')}`,
        freeRegions,
        feeFen: freeRegions.length === REGIONS.length ? 0 : r.pick([600, 800, 1000, 1200, 2000]),
      },
      restrictedRegions,
      dailyPrices: { start: shanghaiDay(historyStart), pricesFen },
      campaignPrices,
      listPriceFen: core.listPriceFen,
      stock: this.launchStock(k, core.presale, r.next()),
      presale: core.presale,
      depositFen: core.depositFen,
      contractShipHours: core.presale ? r.pick([72, 120, 168, 240]) : r.chance(0.2) ? r.pick([24, 72]) : null,
    }
  }

  /**
   * Physical stock of SKU `k` from one uniform draw `u`. A merchant's most popular SKU (index 0,
   * see {@link pickSku}) sold spot is its Double 11 sell-out item: a limited launch stock that the
   * 00:00 rush empties in minutes, so a strict shop answers sold-out and a lagging one oversells
   * (PAY-3). Everything else is stocked for the day.
   */
  private launchStock(k: number, presale: boolean, u: number): number {
    const exp = (mean: number) => -Math.log(1 - u) * mean
    if (!presale && k % this.scale.skusPerMerchant === 0) {
      return Math.round(SELL_OUT_STOCK.min + exp(SELL_OUT_STOCK.mean))
    }
    return Math.round(20 + exp(presale ? 1500 : 600))
  }

  registration(i: number): Registration {
    const k = Math.floor(i / 2)
    const slot = i % 2
    const core = this.skuCore(k)
    const r = this.rr
    r.seed(entitySeed(this.seed, T.registrations, i))
    // A flawed merchant's registrations all break its rule (REG-3 ineligible, REG-4 no coupon) and
    // nothing else; a clean merchant's carry the per-registration reasons.
    const { flaw } = this.merchantFlaw(core.merchant)
    // REG-2 conflicts are a pair fact: the SKU registers wave-1 spot and wave-2 presale.
    const conflict = flaw === null && hashUnit(this.seed, T.regPair, k) < this.invalidShare / 2
    const nodes: [RegistrationNode, RegistrationNode] = conflict
      ? ['wave1Spot', 'wave2Presale']
      : core.presale
        ? ['wave1Presale', 'wave2Presale']
        : ['wave1Spot', 'wave2Spot']
    const node = nodes[slot]!
    let expected: InvalidReason | null = flaw ?? (conflict && slot === 1 ? 'REG-2' : null)
    // REG-1, PRICE-2 and REG-4 fill the rest so each of the four is about a quarter of the invalid share;
    // the wave-1 spot half of a REG-2 pair stays valid (the conflict needs it accepted first).
    // (REG-4 is half merchant-level, a coupon-less merchant, and half per registration.)
    const q = (this.invalidShare * 0.625) / (1 - this.invalidShare / 2)
    const r1 = r.next()
    const r2 = r.next()
    if (expected === null && !conflict && r1 < q)
      expected = r2 < 0.4 ? 'REG-1' : r2 < 0.8 ? 'PRICE-2' : 'REG-4'
    const win = this.calendar.registration.nodes[node]
    let at = win.opens + Math.floor(r.next() * (win.closes - win.opens))
    if (expected === 'REG-1') {
      const off = 3_600_000 + Math.floor(r.next() * 3 * DAY_MS)
      at = r.chance(0.5) ? win.closes + off : win.opens - off
    }
    return {
      id: entityId('registrations', i),
      merchantId: entityId('merchants', core.merchant),
      skuId: entityId('skus', k),
      node,
      campaign: 'double11',
      tier: 'S1',
      submittedAt: toShanghaiIso(at),
      // PRICE-2: above the SKU's list price is above every earlier price (history tops at 1.05×).
      campaignPriceFen:
        expected === 'PRICE-2' ? Math.round((core.listPriceFen * 1.1) / 10) * 10 : core.campaignPriceFen,
      crossStoreCoupon: expected !== 'REG-4',
      expectedRejection: expected,
    }
  }

  /**
   * Buyer names and cities come from pools that faker fills once per world (seeded by the world
   * seed and the pool slot); a buyer draws pool slots. Millions of buyers then cost no faker
   * template expansion each, and any buyer is still a function of (seed, index).
   */
  private buyerPools(): { names: string[]; cities: string[] } {
    if (!this.pools) {
      const f = this.faker
      const names: string[] = []
      const cities: string[] = []
      for (let j = 0; j < NAME_POOL; j++) {
        f.seed(entitySeed(this.seed, T.namePool, j))
        names.push(f.person.fullName())
      }
      for (let j = 0; j < CITY_POOL; j++) {
        f.seed(entitySeed(this.seed, T.cityPool, j))
        cities.push(f.location.city())
      }
      this.pools = { names, cities }
      this.poolBytes = { names: names.map(jsonString), cities: cities.map(jsonString) }
    }
    return this.pools
  }

  /** The pools as JSON-encoded bytes, for the byte writer. */
  private poolBytes: { names: Uint8Array[]; cities: Uint8Array[] } | undefined

  buyer(b: number): Buyer {
    const d = this.buyerDraw(b)
    const pools = this.buyerPools()
    return {
      id: entityId('buyers', b),
      name: pools.names[d.name]!,
      region: REGION_TABLE.values[d.region]!,
      city: pools.cities[d.city]!,
      membership: MEMBERSHIP.values[d.membership]!,
      registeredAt: toShanghaiIso(d.registeredAt),
    }
  }

  private readonly buyerScratch = { name: 0, region: 0, city: 0, membership: 0, registeredAt: 0 }

  /** Buyer `b`'s draws as pool slots and table indices (a shared scratch object). */
  private buyerDraw(b: number): typeof this.buyerScratch {
    this.buyerPools()
    const r = this.buyerR
    r.seed(entitySeed(this.seed, T.buyers, b))
    const d = this.buyerScratch
    d.name = r.int(NAME_POOL)
    d.region = this.buyerRegionIndex(b)
    d.city = r.int(CITY_POOL)
    d.membership = MEMBERSHIP.index(r.next())
    d.registeredAt = this.refDate - Math.floor(r.next() * 10 * 365 * DAY_MS)
    return d
  }

  private writeBuyer(b: number, sink: ByteSink): void {
    const d = this.buyerDraw(b)
    const pools = this.poolBytes!
    sink.reserve(1024)
    const buf = sink.buf
    const dv = sink.dv
    let o = B_ID(dv, sink.off)
    o = putPadded(buf, o, b + 1, 8)
    o = B_NAME(dv, o)
    o = putBytes(buf, o, pools.names[d.name]!)
    o = B_REGION(dv, o)
    o = putBytes(buf, o, REGION_JSON[d.region]!)
    o = B_CITY(dv, o)
    o = putBytes(buf, o, pools.cities[d.city]!)
    o = B_MEMBERSHIP(dv, o)
    o = putBytes(buf, o, MEMBERSHIP_JSON[d.membership]!)
    o = B_REGISTERED(dv, o)
    o = putIsoBody(buf, o, d.registeredAt)
    sink.off = B_END(dv, o)
  }

  /** Popular merchants get more orders (index-skewed), popular SKUs within a merchant too. */
  private pickSku(r: Draws, merchant?: number): number {
    const m = merchant ?? Math.floor(this.scale.merchants * square(r.next()))
    return m * this.scale.skusPerMerchant + Math.floor(this.scale.skusPerMerchant * powThreeHalves(r.next()))
  }

  /** A cart holds at most 3 shops × 2 SKUs. */
  private readonly itemScratch: ItemDraw[] = Array.from({ length: 6 }, () => ({
    sku: 0,
    merchant: 0,
    quantity: 0,
    unitPriceFen: 0,
  }))
  private readonly drawScratch: OrderDraw = {
    t: 0,
    wave: 1,
    buyer: 0,
    presale: false,
    items: this.itemScratch,
    itemCount: 0,
    shopCount: 1,
    depositFen: 0,
    finalPaymentFen: 0,
    finalPaidAt: -1,
    paidAt: -1,
  }
  /** the cart's shops while an order is drawn */
  private readonly shopScratch = new Int32Array(3)

  /**
   * The draws of order `i` as numbers (no strings): what consultations and after-sales need to
   * reference an order cheaply. The result is a scratch object, valid until the next call
   * (tens of millions of orders leave no garbage); {@link order} copies it into an `Order`.
   */
  orderDraw(i: number): OrderDraw {
    const r = this.orderR
    r.seed(entitySeed(this.seed, T.orders, i))
    const n = this.counts.orders
    // Stratified inverse-CDF draw: time follows the curve and rises with the index.
    const t = this.ordersCdf.inverse((i + r.next()) / n)
    const phase = phaseAt(this.calendar, t)
    const wave: 1 | 2 = phase?.wave ?? (t < this.calendar.waves[1].presale.opens ? 1 : 2)
    const campaign = phase !== undefined
    const buyer = r.int(this.scale.buyers)
    let presaleSku = -1
    if (phase?.phase === 'presale' && r.chance(this.presaleShare)) {
      for (let tries = 0; tries < 8 && presaleSku < 0; tries++) {
        const k = this.pickSku(r)
        const at = this.skuSlot(k)
        if (this.skuPrices[at + 3] === 1) presaleSku = k
      }
    }
    const d = this.drawScratch
    // Scratch arrays with counts: no garbage per order (a cart has at most 3 shops × 2 SKUs).
    const items = this.itemScratch
    const shops = this.shopScratch
    let itemCount = 0
    let depositFen = 0
    let finalPaymentFen = 0
    let finalPaidAt = -1
    let paidAt: number
    let shopCount = 1
    if (presaleSku >= 0) {
      const at = this.skuSlot(presaleSku)
      const campaignPriceFen = this.skuPrices[at + 1]!
      const quantity = r.chance(0.9) ? 1 : 2
      const merchant = Math.floor(presaleSku / this.scale.skusPerMerchant)
      this.item(itemCount++, presaleSku, merchant, quantity, campaignPriceFen)
      depositFen = this.skuPrices[at + 2]! * quantity
      finalPaymentFen = campaignPriceFen * quantity - depositFen
      const w = this.calendar.waves[wave - 1]!.presale
      if (r.chance(0.92)) {
        const span = w.finalPaymentCloses - w.finalPaymentOpens
        finalPaidAt = w.finalPaymentOpens + Math.floor(Math.min(span - 1, r.exp(span / 6)))
      }
      paidAt = finalPaidAt
    } else {
      const u = r.next()
      shopCount = u < this.crossStoreShare ? (u < this.crossStoreShare / 3 ? 3 : 2) : 1
      let shopsSeen = 0
      for (let s = 0; s < shopCount; s++) {
        let m = Math.floor(this.scale.merchants * square(r.next()))
        for (let tries = 0; tries < 8 && seen(shops, shopsSeen, m); tries++) m = r.int(this.scale.merchants)
        if (seen(shops, shopsSeen, m)) continue
        shops[shopsSeen++] = m
        const perShop = r.chance(0.7) ? 1 : 2
        for (let j = 0; j < perShop; j++) {
          const k = this.pickSku(r, m)
          const quantity = r.chance(0.85) ? 1 : r.range(2, 3)
          let same = -1
          for (let x = 0; x < itemCount; x++) if (items[x]!.sku === k) same = x
          if (same >= 0) {
            items[same]!.quantity += quantity
            continue
          }
          const at = this.skuSlot(k) + (campaign ? 1 : 0)
          this.item(itemCount++, k, m, quantity, this.skuPrices[at]!)
        }
      }
      shopCount = shopsSeen
      paidAt = t + Math.floor(r.exp(90_000))
    }
    d.t = t
    d.wave = wave
    d.buyer = buyer
    d.presale = presaleSku >= 0
    d.itemCount = itemCount
    d.shopCount = shopCount
    d.depositFen = depositFen
    d.finalPaymentFen = finalPaymentFen
    d.finalPaidAt = finalPaidAt
    d.paidAt = paidAt
    return d
  }

  private item(slot: number, sku: number, merchant: number, quantity: number, unitPriceFen: number): void {
    const it = this.itemScratch[slot]!
    it.sku = sku
    it.merchant = merchant
    it.quantity = quantity
    it.unitPriceFen = unitPriceFen
  }

  order(i: number): Order {
    const d = this.orderDraw(i)
    let totalFen = 0
    const items: OrderItem[] = d.items.slice(0, d.itemCount).map((it) => {
      totalFen += it.quantity * it.unitPriceFen
      return {
        skuId: this.skuId(it.sku),
        merchantId: this.merchantId(it.merchant),
        quantity: it.quantity,
        unitPriceFen: it.unitPriceFen,
      }
    })
    return {
      id: entityId('orders', i),
      buyerId: entityId('buyers', d.buyer),
      kind: d.presale ? 'presale' : 'spot',
      wave: d.wave,
      region: this.buyerRegion(d.buyer),
      items,
      shopCount: d.shopCount,
      totalFen,
      createdAt: toShanghaiIso(d.t),
      simTime: d.t,
      depositFen: d.depositFen,
      finalPaymentFen: d.finalPaymentFen,
      finalPaidAt: d.finalPaidAt < 0 ? null : toShanghaiIso(d.finalPaidAt),
      paidAt: d.paidAt < 0 ? null : toShanghaiIso(d.paidAt),
    }
  }

  private writeOrder(i: number, sink: ByteSink): void {
    const d = this.orderDraw(i)
    const items = d.items
    const itemCount = d.itemCount
    sink.reserve(512 + itemCount * 128)
    const buf = sink.buf
    const dv = sink.dv
    let o = O_ID(dv, sink.off)
    o = putPadded(buf, o, i + 1, 9)
    o = O_BUYER(dv, o)
    o = putPadded(buf, o, d.buyer + 1, 8)
    o = d.presale ? O_KIND_PRESALE(dv, o) : O_KIND_SPOT(dv, o)
    o = putInt(buf, o, d.wave)
    o = putBytes(buf, o, REGION_ITEMS[this.buyerRegionIndex(d.buyer)]!)
    let totalFen = 0
    for (let j = 0; j < itemCount; j++) {
      const it = items[j]!
      totalFen += it.quantity * it.unitPriceFen
      o = j === 0 ? I_SKU_FIRST(dv, o) : I_SKU_NEXT(dv, o)
      o = putPadded(buf, o, it.sku + 1, 8)
      o = I_MERCHANT(dv, o)
      o = putPadded(buf, o, it.merchant + 1, 6)
      o = I_QUANTITY(dv, o)
      o = putInt(buf, o, it.quantity)
      o = I_PRICE(dv, o)
      o = putInt(buf, o, it.unitPriceFen)
      buf[o++] = BRACE_CLOSE
    }
    o = O_SHOPS(dv, o)
    o = putInt(buf, o, d.shopCount)
    o = O_TOTAL(dv, o)
    o = putInt(buf, o, totalFen)
    o = O_CREATED(dv, o)
    o = putIsoBody(buf, o, d.t)
    o = O_SIMTIME(dv, o)
    o = putInt(buf, o, d.t)
    o = O_DEPOSIT(dv, o)
    o = putInt(buf, o, d.depositFen)
    o = O_FINAL(dv, o)
    o = putInt(buf, o, d.finalPaymentFen)
    if (d.finalPaidAt < 0) o = O_FINAL_PAID_NULL(dv, o)
    else {
      o = O_FINAL_PAID(dv, o)
      o = putIsoBody(buf, o, d.finalPaidAt)
      o = O_FINAL_PAID_END(dv, o)
    }
    if (d.paidAt < 0) o = O_PAID_NULL(dv, o)
    else {
      o = O_PAID(dv, o)
      o = putIsoBody(buf, o, d.paidAt)
      o = O_PAID_END(dv, o)
    }
    sink.off = o
  }

  private readonly consultScratch = {
    t: 0,
    topic: 'presale-question' as ConsultationTopic,
    subtopic: '',
    merchant: 0,
    buyer: 0,
    order: -1,
    turns: 0,
    botOnly: false,
  }

  /** Consultation `j`'s draws as indices (a shared scratch object). */
  private consultationDraw(j: number): typeof this.consultScratch {
    const r = this.rr
    r.seed(entitySeed(this.seed, T.consultations, j))
    const d = this.consultScratch
    let t = this.consultCdf.inverse((j + r.next()) / this.counts.consultations)
    const topic = this.consultMix.pick(r.next())
    d.topic = topic
    d.subtopic = r.pick(this.subtopics[topic])
    d.order = -1
    if (topic === 'presale-question') {
      d.merchant = Math.floor(this.scale.merchants * square(r.next()))
      d.buyer = r.int(this.scale.buyers)
    } else {
      // Tie to an order placed about `lag` earlier (orders are time-ordered by index).
      const ref = t - Math.floor(r.exp(CONSULT_LAG_MS[topic]))
      const n = this.counts.orders
      let oi = Math.min(n - 1, Math.max(0, Math.floor(n * this.ordersCdf.cdf(ref))))
      let order = this.orderDraw(oi)
      if (topic === 'payment-reminder') {
        for (let tries = 0; tries < 6 && !order.presale && oi > 0; tries++) {
          oi = Math.max(0, oi - 1 - r.int(50))
          order = this.orderDraw(oi)
        }
      }
      d.order = oi
      d.merchant = order.items[r.int(order.itemCount)]!.merchant
      d.buyer = order.buyer
      t = Math.max(t, order.t + 60_000)
    }
    d.t = t
    // EXP-4 (003): in the burst after a launch moment most merchants divert to bot-only reception.
    const burst = botOnlyReception(t, this.calendar, this.ruleset)
    d.turns = Math.min(40, 2 + Math.floor(r.exp(4)))
    d.botOnly = burst ? r.chance(0.85) : r.chance(0.1)
    return d
  }

  consultation(j: number): Consultation {
    const d = this.consultationDraw(j)
    return {
      id: entityId('consultations', j),
      merchantId: this.merchantId(d.merchant),
      buyerId: entityId('buyers', d.buyer),
      orderId: d.order < 0 ? null : entityId('orders', d.order),
      topic: d.topic,
      subtopic: d.subtopic,
      startedAt: toShanghaiIso(d.t),
      simTime: d.t,
      turns: d.turns,
      botOnly: d.botOnly,
    }
  }

  private writeConsultation(j: number, sink: ByteSink): void {
    const d = this.consultationDraw(j)
    sink.reserve(1024)
    const buf = sink.buf
    const dv = sink.dv
    let o = C_ID(dv, sink.off)
    o = putPadded(buf, o, j + 1, 9)
    o = C_MERCHANT(dv, o)
    o = putPadded(buf, o, d.merchant + 1, 6)
    o = C_BUYER(dv, o)
    o = putPadded(buf, o, d.buyer + 1, 8)
    if (d.order < 0) o = C_ORDER_NULL(dv, o)
    else {
      o = C_ORDER(dv, o)
      o = putPadded(buf, o, d.order + 1, 9)
      buf[o++] = QUOTE
    }
    o = C_TOPIC(dv, o)
    o = putBytes(buf, o, jsonString(d.topic))
    o = C_SUBTOPIC(dv, o)
    o = putBytes(buf, o, jsonString(d.subtopic))
    o = C_STARTED(dv, o)
    o = putIsoBody(buf, o, d.t)
    o = C_SIMTIME(dv, o)
    o = putInt(buf, o, d.t)
    o = C_TURNS(dv, o)
    o = putInt(buf, o, d.turns)
    o = C_BOT(dv, o)
    o = putBool(dv, o, d.botOnly)
    sink.off = END(dv, o)
  }

  private readonly afterScratch = {
    order: 0,
    merchant: 0,
    buyer: 0,
    sku: 0,
    kind: 'refund-request' as AfterSaleKind,
    reason: '',
    at: 0,
    amountFen: 0,
  }

  /** After-sale `a`'s draws as indices (a shared scratch object). */
  private afterSaleDraw(a: number): typeof this.afterScratch {
    const r = this.rr
    r.seed(entitySeed(this.seed, T.after_sales, a))
    const d = this.afterScratch
    const oi = r.int(this.counts.orders)
    const order = this.orderDraw(oi)
    const kind = this.afterMix.pick(r.next())
    const item = order.items[r.int(order.itemCount)]!
    const paid = order.paidAt >= 0
    const [minDays, meanDays] = AFTER_SALE_DELAY_DAYS[kind]
    d.at = order.t + Math.floor((minDays + r.exp(meanDays)) * DAY_MS)
    d.amountFen =
      kind === 'negative-review'
        ? 0
        : !paid
          ? order.depositFen
          : kind === 'complaint'
            ? item.unitPriceFen
            : item.unitPriceFen * item.quantity
    d.order = oi
    d.merchant = item.merchant
    d.buyer = order.buyer
    d.sku = item.sku
    d.kind = paid ? kind : 'refund-request'
    d.reason = paid ? r.pick(AFTER_SALE_REASONS[kind]) : 'presale-unpaid'
    return d
  }

  afterSale(a: number): AfterSale {
    const d = this.afterSaleDraw(a)
    return {
      id: entityId('after_sales', a),
      orderId: entityId('orders', d.order),
      merchantId: this.merchantId(d.merchant),
      buyerId: entityId('buyers', d.buyer),
      skuId: this.skuId(d.sku),
      kind: d.kind,
      reason: d.reason,
      at: toShanghaiIso(d.at),
      simTime: d.at,
      amountFen: d.amountFen,
    }
  }

  private writeAfterSale(a: number, sink: ByteSink): void {
    const d = this.afterSaleDraw(a)
    sink.reserve(1024)
    const buf = sink.buf
    const dv = sink.dv
    let o = A_ID(dv, sink.off)
    o = putPadded(buf, o, a + 1, 9)
    o = A_ORDER(dv, o)
    o = putPadded(buf, o, d.order + 1, 9)
    o = A_MERCHANT(dv, o)
    o = putPadded(buf, o, d.merchant + 1, 6)
    o = A_BUYER(dv, o)
    o = putPadded(buf, o, d.buyer + 1, 8)
    o = A_SKU(dv, o)
    o = putPadded(buf, o, d.sku + 1, 8)
    o = A_KIND(dv, o)
    o = putBytes(buf, o, jsonString(d.kind))
    o = A_REASON(dv, o)
    o = putBytes(buf, o, jsonString(d.reason))
    o = A_AT(dv, o)
    o = putIsoBody(buf, o, d.at)
    o = A_SIMTIME(dv, o)
    o = putInt(buf, o, d.at)
    o = A_AMOUNT(dv, o)
    o = putInt(buf, o, d.amountFen)
    sink.off = END(dv, o)
  }
}

// ---- NDJSON templates: the constant bytes between fields, in `JSON.stringify` key order; an
// ISO time's `+08:00"` is merged into the piece after it ----

const QUOTE = 34
const BRACE_CLOSE = 125
const END = piece('}\n')
const B_ID = piece('{"id":"b-')
const B_NAME = piece('","name":')
const B_REGION = piece(',"region":')
const B_CITY = piece(',"city":')
const B_MEMBERSHIP = piece(',"membership":')
const B_REGISTERED = piece(',"registeredAt":"')
const B_END = piece('+08:00"}\n')
const O_ID = piece('{"id":"o-')
const O_BUYER = piece('","buyerId":"b-')
const O_KIND_PRESALE = piece('","kind":"presale","wave":')
const O_KIND_SPOT = piece('","kind":"spot","wave":')
const I_SKU_FIRST = piece('{"skuId":"s-')
const I_SKU_NEXT = piece(',{"skuId":"s-')
const I_MERCHANT = piece('","merchantId":"m-')
const I_QUANTITY = piece('","quantity":')
const I_PRICE = piece(',"unitPriceFen":')
const O_SHOPS = piece('],"shopCount":')
const O_TOTAL = piece(',"totalFen":')
const O_CREATED = piece(',"createdAt":"')
const O_SIMTIME = piece('+08:00","simTime":')
const O_DEPOSIT = piece(',"depositFen":')
const O_FINAL = piece(',"finalPaymentFen":')
const O_FINAL_PAID_NULL = piece(',"finalPaidAt":null')
const O_FINAL_PAID = piece(',"finalPaidAt":"')
const O_FINAL_PAID_END = piece('+08:00"')
const O_PAID_NULL = piece(',"paidAt":null}\n')
const O_PAID = piece(',"paidAt":"')
const O_PAID_END = piece('+08:00"}\n')
const C_ID = piece('{"id":"q-')
const C_MERCHANT = piece('","merchantId":"m-')
const C_BUYER = piece('","buyerId":"b-')
const C_ORDER_NULL = piece('","orderId":null')
const C_ORDER = piece('","orderId":"o-')
const C_TOPIC = piece(',"topic":')
const C_SUBTOPIC = piece(',"subtopic":')
const C_STARTED = piece(',"startedAt":"')
const C_SIMTIME = piece('+08:00","simTime":')
const C_TURNS = piece(',"turns":')
const C_BOT = piece(',"botOnly":')
const A_ID = piece('{"id":"a-')
const A_ORDER = piece('","orderId":"o-')
const A_MERCHANT = piece('","merchantId":"m-')
const A_BUYER = piece('","buyerId":"b-')
const A_SKU = piece('","skuId":"s-')
const A_KIND = piece('","kind":')
const A_REASON = piece(',"reason":')
const A_AT = piece(',"at":"')
const A_SIMTIME = piece('+08:00","simTime":')
const A_AMOUNT = piece(',"amountFen":')
const REGION_JSON = REGION_TABLE.values.map(jsonString)
/** `,"region":"广东","items":[` per region: one copy instead of three. */
const REGION_ITEMS = REGION_TABLE.values.map((r) => utf8(`,"region":${JSON.stringify(r)},"items":[`))
const MEMBERSHIP_JSON = MEMBERSHIP.values.map(jsonString)

/**
 * `u ** 2` and `u ** 1.5` without `Math.pow`: V8's software pow was 4 % of a `large` run. `u * u`
 * is exactly `u ** 2`; `u * Math.sqrt(u)` can differ from `u ** 1.5` in the last bit, which the
 * `Math.floor` of a SKU slot (× 50) absorbs (the determinism and golden tests hold the bytes).
 */
function square(u: number): number {
  return u * u
}
function powThreeHalves(u: number): number {
  return u * Math.sqrt(u)
}

function brandOf(company: string): string {
  // "太安市沐阳印刷（集团）有限公司" → "沐阳": the name between the city and the trade.
  const m = /市(.{2})/.exec(company)
  return m?.[1] ?? company.slice(0, 2)
}

function round2(x: number): number {
  return Math.round(x * 100) / 100
}
function round4(x: number): number {
  return Math.round(x * 10000) / 10000
}
