/**
 * Entity types of a generated world (`@d11/generator/entities`).
 *
 * A world directory holds `manifest.json` plus one file per {@link EntityKind}
 * (`merchants.ndjson`, `skus.ndjson`, …, or `.csv`). Every row is one of the types below, with
 * camelCase fields. Conventions (docs/contracts.md):
 * - money is integer fen (`…Fen`);
 * - times are ISO strings with `+08:00` (Asia/Shanghai), e.g. `2022-11-11T00:00:03.120+08:00`;
 *   an order additionally carries `simTime` (epoch ms) so consumers need not parse;
 * - ids are zero-padded strings derived from the entity index: `m-000001`, `s-00000001`,
 *   `b-00000001`, `o-000000001`, `r-00000001`, `q-000000001`, `a-000000001` (index 0 → 1).
 * - optional facts are `null`, never absent, so CSV and NDJSON carry the same columns.
 * In CSV files nested values (arrays, objects) are JSON-encoded cells.
 */

/** The file (and manifest key) of each entity kind, in generation order. */
export const ENTITY_KINDS = [
  'merchants',
  'skus',
  'registrations',
  'buyers',
  'orders',
  'consultations',
  'after_sales',
] as const
export type EntityKind = (typeof ENTITY_KINDS)[number]

/**
 * Each kind's fields in row order: the CSV header. Only shard 1 (or a whole world) writes the
 * header, so a reader of a later shard takes the columns from here (`test/read-world.test.ts`
 * holds this list to the rows the generator builds).
 */
export const CSV_COLUMNS: Record<EntityKind, readonly string[]> = {
  merchants: [
    'id',
    'name',
    'shopType',
    'category',
    'region',
    'violationPoints',
    'activityLevel',
    'compositeRanking',
    'basicServiceScore',
    'experience',
    'webhookUrl',
    'crossStoreCoupon',
    'expectedRejection',
    'failsThreshold',
    'openedAt',
  ],
  skus: [
    'id',
    'merchantId',
    'title',
    'category',
    'freeShippingClaim',
    'shippingTemplate',
    'restrictedRegions',
    'dailyPrices',
    'campaignPrices',
    'listPriceFen',
    'stock',
    'presale',
    'depositFen',
    'contractShipHours',
  ],
  registrations: [
    'id',
    'merchantId',
    'skuId',
    'node',
    'campaign',
    'tier',
    'submittedAt',
    'campaignPriceFen',
    'crossStoreCoupon',
    'expectedRejection',
  ],
  buyers: ['id', 'name', 'region', 'city', 'membership', 'registeredAt'],
  orders: [
    'id',
    'buyerId',
    'kind',
    'wave',
    'region',
    'items',
    'shopCount',
    'totalFen',
    'createdAt',
    'simTime',
    'depositFen',
    'finalPaymentFen',
    'finalPaidAt',
    'paidAt',
  ],
  consultations: [
    'id',
    'merchantId',
    'buyerId',
    'orderId',
    'topic',
    'subtopic',
    'startedAt',
    'simTime',
    'turns',
    'botOnly',
  ],
  after_sales: [
    'id',
    'orderId',
    'merchantId',
    'buyerId',
    'skuId',
    'kind',
    'reason',
    'at',
    'simTime',
    'amountFen',
  ],
}

/** ISO 8601 timestamp with `+08:00` offset (Asia/Shanghai simulated time). */
export type IsoTime = string
/** Calendar date `YYYY-MM-DD` in Asia/Shanghai. */
export type IsoDate = string

export type ShopType = 'flagship' | 'specialty' | 'franchise' | 'c-shop'
export type Category =
  | 'phones'
  | 'appliances'
  | 'apparel'
  | 'beauty'
  | 'food'
  | 'mother-baby'
  | 'home'
  | 'sports'

/** Inputs of the composite experience score (EXP-3), 30-day window before the campaign. */
export interface ExperienceInputs {
  /** product: first-time return rate, 0..1 */
  firstReturnRate: number
  /** product: negative review rate, 0..1 */
  negativeReviewRate: number
  /** logistics: share of orders picked up within 48 h (SHIP-1), 0..1 */
  pickup48hRate: number
  /** logistics: mean delivery duration, hours */
  deliveryHours: number
  /** service: mean manual response time (EXP-2), seconds */
  manualResponseSec: number
  /** service: mean refund processing time, hours */
  refundProcessingHours: number
  /** service: dispute merchant-liability rate, 0..1 */
  disputeLiabilityRate: number
  /** EXP-1 reply rate, 0..1 */
  replyRate: number
}

export interface Merchant {
  id: string
  name: string
  shopType: ShopType
  category: Category
  /** province the shop ships from */
  region: string
  /** REG-3 inputs */
  violationPoints: number
  /** 0..5 (REG-3 `minActivityLevel`) */
  activityLevel: number
  /** composite ranking percentile, 0 (best) .. 1; ×100 against REG-3 `maxCompositeRankingPct` */
  compositeRanking: number
  /** basic service score, 0..5 */
  basicServiceScore: number
  experience: ExperienceInputs
  /** merchant-service webhook slot: `null` until a run assigns a reference merchant service URL */
  webhookUrl: string | null
  /** merchant sets the PRICE-3 cross-store coupon (REG-4) */
  crossStoreCoupon: boolean
  /**
   * `null` for a merchant whose registrations can pass; otherwise the rule all of them deliberately
   * break: `REG-3` (ineligible shop, see `failsThreshold`) or `REG-4` (no cross-store coupon set)
   */
  expectedRejection: MerchantFlaw | null
  /** the one `registration.eligibility` threshold a `REG-3` merchant fails, else `null` */
  failsThreshold: EligibilityThreshold | null
  openedAt: IsoTime
}

export type Tier = 'S1' | 'S2' | 'A'
/** Campaigns of PRICE-1 (`double11` is S1). */
export type Campaign =
  | 'double11'
  | '618'
  | 'double12'
  | '38'
  | '88'
  | '99'
  | 'nianhuo'
  | 'juhuasuan'
  | 'billion-subsidy'
  | 'tiantian-temai'
  | '55'
  | '520'
  | 'bu-da-yang'
  | 'qinzi'

export interface CampaignPrice {
  campaign: Campaign
  tier: Tier
  priceFen: number
  from: IsoTime
  to: IsoTime
}

/** Shipping template (SHIP-6): free to `freeRegions`, `feeFen` elsewhere. */
export interface ShippingTemplate {
  id: string
  freeRegions: string[]
  feeFen: number
}

export interface Sku {
  id: string
  merchantId: string
  title: string
  category: Category
  /** the title claims free shipping (包邮); SHIP-6 requires a template free for every region */
  freeShippingClaim: boolean
  shippingTemplate: ShippingTemplate
  /** SHIP-5: regions this SKU does not sell to */
  restrictedRegions: string[]
  /** daily price history: `pricesFen[d]` is the daily price on `start` + d days */
  dailyPrices: { start: IsoDate; pricesFen: number[] }
  /** campaign prices per tier (PRICE-1/2), earlier campaigns of the year */
  campaignPrices: CampaignPrice[]
  /** the current list (daily) price */
  listPriceFen: number
  stock: number
  /** presale SKU (deposit + final payment) */
  presale: boolean
  /** deposit for presale SKUs, else 0 */
  depositFen: number
  /** SHIP-1 override: contract ship time, hours after payment; `null` = the default 48 h */
  contractShipHours: number | null
}

export type RegistrationNode = 'wave1Presale' | 'wave1Spot' | 'wave2Presale' | 'wave2Spot'
/** Why a registration was generated invalid, as the rule the platform should cite. */
export type InvalidReason = 'REG-1' | 'PRICE-2' | 'REG-2' | 'REG-3' | 'REG-4'
/** Why a merchant's registrations are all invalid. */
export type MerchantFlaw = 'REG-3' | 'REG-4'
/** The REG-3 thresholds (`Ruleset['registration']['eligibility']`) a generated merchant can fail. */
export type EligibilityThreshold =
  | 'maxViolationPoints'
  | 'minActivityLevel'
  | 'maxCompositeRankingPct'
  | 'minBasicServiceScore'

export interface Registration {
  id: string
  merchantId: string
  skuId: string
  node: RegistrationNode
  campaign: 'double11'
  tier: 'S1'
  submittedAt: IsoTime
  campaignPriceFen: number
  crossStoreCoupon: boolean
  /** `null` for a valid registration; otherwise the rule it deliberately breaks */
  expectedRejection: InvalidReason | null
}

export type Membership = 'none' | 'tmall-member' | '88vip'

export interface Buyer {
  id: string
  name: string
  region: string
  city: string
  membership: Membership
  registeredAt: IsoTime
}

export interface OrderItem {
  skuId: string
  merchantId: string
  quantity: number
  unitPriceFen: number
}

export type OrderKind = 'presale' | 'spot'

/**
 * One checkout. Spot checkouts may hold items of several shops (PRICE-3 cross-store coupon); the
 * platform splits by `merchantId`. Presale checkouts hold one SKU and pay deposit + final payment.
 */
export interface Order {
  id: string
  buyerId: string
  kind: OrderKind
  wave: 1 | 2
  /** ship-to province (SHIP-5) */
  region: string
  items: OrderItem[]
  /** distinct shops in `items` */
  shopCount: number
  /** sum of quantity × unitPriceFen, before coupons */
  totalFen: number
  createdAt: IsoTime
  /** `createdAt` as epoch ms */
  simTime: number
  /** presale: deposit paid at creation; spot: 0 */
  depositFen: number
  /** presale: remaining amount paid in the final-payment window; spot: 0 */
  finalPaymentFen: number
  /** presale: when the final payment is made (`null` = never paid) */
  finalPaidAt: IsoTime | null
  /** when the order is fully paid (`null` = unpaid presale) */
  paidAt: IsoTime | null
}

/** EXP-4 consultation topics. */
export type ConsultationTopic =
  | 'presale-question'
  | 'payment-reminder'
  | 'shipping-inquiry'
  | 'after-sale'
  | 'price-complaint'

export interface Consultation {
  id: string
  merchantId: string
  buyerId: string
  /** the order it concerns, `null` for pre-sale questions about no order */
  orderId: string | null
  topic: ConsultationTopic
  /** finer reason: a subtype of the ruleset's EXP-4 category, e.g. `coupon-stacking`, `no-trace-after-ship` */
  subtopic: string
  startedAt: IsoTime
  simTime: number
  /** buyer + agent messages */
  turns: number
  /** at burst merchants divert to bot-only reception (EXP-4, 003) */
  botOnly: boolean
}

export type AfterSaleKind = 'refund-request' | 'complaint' | 'negative-review' | 'return'

export interface AfterSale {
  id: string
  orderId: string
  merchantId: string
  buyerId: string
  skuId: string
  kind: AfterSaleKind
  reason: string
  at: IsoTime
  simTime: number
  /** amount claimed (refund, return), 0 for reviews */
  amountFen: number
}

export interface EntityByKind {
  merchants: Merchant
  skus: Sku
  registrations: Registration
  buyers: Buyer
  orders: Order
  consultations: Consultation
  after_sales: AfterSale
}

export type WorldFormat = 'ndjson' | 'csv'

/** `manifest.json` of a world directory. */
export interface WorldManifest {
  generator: { name: '@d11/generator'; version: string }
  seed: number
  scale: string
  calendar: string
  format: WorldFormat
  /** `null` for a whole world; `{ index, count }` (1-based) for one shard */
  shard: { index: number; count: number } | null
  /** rows per kind in this directory */
  rows: Record<EntityKind, number>
  /** index ranges `[from, to)` per kind this directory holds */
  ranges: Record<EntityKind, [number, number]>
  /** file name and sha256 (hex) per kind */
  files: Record<EntityKind, { file: string; sha256: string; bytes: number }>
}

/** Zero-padded id of the entity of `kind` at `index` (0-based). */
export function entityId(kind: EntityKind, index: number): string {
  const [prefix, width] = ID_FORMAT[kind]
  const digits = `${index + 1}`
  return digits.length >= width
    ? `${prefix}-${digits}`
    : `${prefix}-${ZEROS.slice(digits.length - width)}${digits}`
}

/** Index (0-based) back from an id made by {@link entityId}. */
export function entityIndex(id: string): number {
  const dash = id.indexOf('-')
  return Number(id.slice(dash + 1)) - 1
}

const ZEROS = '000000000000'
const ID_FORMAT: Record<EntityKind, [string, number]> = {
  merchants: ['m', 6],
  skus: ['s', 8],
  registrations: ['r', 8],
  buyers: ['b', 8],
  orders: ['o', 9],
  consultations: ['q', 9],
  after_sales: ['a', 9],
}
