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
import { type Static, type TObject, Type } from 'typebox'

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

// ---- row schemas: the one definition of every world row --------------------------------------
// TypeBox schemas, so the types below (`Static`) and the platform's load-time checks
// (apps/platform/src/world.ts picks the fields it relies on) come from the same source. Property
// order is the row order: the CSV header is read off the schemas.

/** ISO 8601 timestamp with an offset, `+08:00` in generated worlds (Asia/Shanghai simulated time). */
export const IsoTimeSchema = Type.String({
  pattern: '(Z|[+-]\\d{2}:\\d{2})$',
  description: 'ISO 8601 instant with offset, e.g. 2022-11-11T00:00:03.120+08:00',
})
export type IsoTime = Static<typeof IsoTimeSchema>
/** Calendar date `YYYY-MM-DD` in Asia/Shanghai. */
export const IsoDateSchema = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })
export type IsoDate = Static<typeof IsoDateSchema>
/** An entity id (`m-000001`, …; loaders accept any non-empty id). */
const Id = Type.String({ minLength: 1, maxLength: 128 })
/** Integer fen, never negative. */
const Fen = Type.Integer({ minimum: 0 })

export const ShopTypeSchema = Type.Enum(['flagship', 'specialty', 'franchise', 'c-shop'])
export type ShopType = Static<typeof ShopTypeSchema>
export const CategorySchema = Type.Enum([
  'phones',
  'appliances',
  'apparel',
  'beauty',
  'food',
  'mother-baby',
  'home',
  'sports',
])
export type Category = Static<typeof CategorySchema>

/** Inputs of the composite experience score (EXP-3), 30-day window before the campaign. */
export const ExperienceInputsSchema = Type.Object({
  /** product: first-time return rate, 0..1 */
  firstReturnRate: Type.Number(),
  /** product: negative review rate, 0..1 */
  negativeReviewRate: Type.Number(),
  /** logistics: share of orders picked up within 48 h (SHIP-1), 0..1 */
  pickup48hRate: Type.Number(),
  /** logistics: mean delivery duration, hours */
  deliveryHours: Type.Number(),
  /** service: mean manual response time (EXP-2), seconds */
  manualResponseSec: Type.Number(),
  /** service: mean refund processing time, hours */
  refundProcessingHours: Type.Number(),
  /** service: dispute merchant-liability rate, 0..1 */
  disputeLiabilityRate: Type.Number(),
  /** EXP-1 reply rate, 0..1 */
  replyRate: Type.Number(),
})
export type ExperienceInputs = Static<typeof ExperienceInputsSchema>

/** Why a registration was generated invalid, as the rule the platform should cite. */
export const InvalidReasonSchema = Type.Enum(['REG-1', 'PRICE-2', 'REG-2', 'REG-3', 'REG-4'])
export type InvalidReason = Static<typeof InvalidReasonSchema>
/** Why a merchant's registrations are all invalid. */
export const MerchantFlawSchema = Type.Enum(['REG-3', 'REG-4'])
export type MerchantFlaw = Static<typeof MerchantFlawSchema>
/** The REG-3 thresholds (`Ruleset['registration']['eligibility']`) a generated merchant can fail. */
export const EligibilityThresholdSchema = Type.Enum([
  'maxViolationPoints',
  'minActivityLevel',
  'maxCompositeRankingPct',
  'minBasicServiceScore',
])
export type EligibilityThreshold = Static<typeof EligibilityThresholdSchema>

export const MerchantSchema = Type.Object({
  id: Id,
  name: Type.String(),
  shopType: ShopTypeSchema,
  category: CategorySchema,
  /** province the shop ships from */
  region: Type.String(),
  /** REG-3 inputs */
  violationPoints: Type.Number(),
  /** 0..5 (REG-3 `minActivityLevel`) */
  activityLevel: Type.Number(),
  /** composite ranking percentile, 0 (best) .. 1; ×100 against REG-3 `maxCompositeRankingPct` */
  compositeRanking: Type.Number(),
  /** basic service score, 0..5 */
  basicServiceScore: Type.Number(),
  experience: ExperienceInputsSchema,
  /** merchant-service webhook slot: `null` until a run assigns a reference merchant service URL */
  webhookUrl: Type.Union([Type.String(), Type.Null()]),
  /** merchant sets the PRICE-3 cross-store coupon (REG-4) */
  crossStoreCoupon: Type.Boolean(),
  /**
   * `null` for a merchant whose registrations can pass; otherwise the rule all of them deliberately
   * break: `REG-3` (ineligible shop, see `failsThreshold`) or `REG-4` (no cross-store coupon set)
   */
  expectedRejection: Type.Union([MerchantFlawSchema, Type.Null()]),
  /** the one `registration.eligibility` threshold a `REG-3` merchant fails, else `null` */
  failsThreshold: Type.Union([EligibilityThresholdSchema, Type.Null()]),
  openedAt: IsoTimeSchema,
})
export type Merchant = Static<typeof MerchantSchema>

export const TierSchema = Type.Enum(['S1', 'S2', 'A'])
export type Tier = Static<typeof TierSchema>
/** Campaigns of PRICE-1 (`double11` is S1). */
export const CampaignSchema = Type.Enum([
  'double11',
  '618',
  'double12',
  '38',
  '88',
  '99',
  'nianhuo',
  'juhuasuan',
  'billion-subsidy',
  'tiantian-temai',
  '55',
  '520',
  'bu-da-yang',
  'qinzi',
])
export type Campaign = Static<typeof CampaignSchema>

export const CampaignPriceSchema = Type.Object({
  campaign: CampaignSchema,
  tier: TierSchema,
  priceFen: Fen,
  from: IsoTimeSchema,
  to: IsoTimeSchema,
})
export type CampaignPrice = Static<typeof CampaignPriceSchema>

/** Shipping template (SHIP-6): free to `freeRegions`, `feeFen` elsewhere. */
export const ShippingTemplateSchema = Type.Object({
  id: Type.String(),
  freeRegions: Type.Array(Type.String()),
  feeFen: Fen,
})
export type ShippingTemplate = Static<typeof ShippingTemplateSchema>

/** Daily price history: `pricesFen[d]` is the daily price on `start` + d days. */
export const DailyPricesSchema = Type.Object({ start: IsoDateSchema, pricesFen: Type.Array(Fen) })

export const SkuSchema = Type.Object({
  id: Id,
  merchantId: Id,
  title: Type.String(),
  category: CategorySchema,
  /** the title claims free shipping (包邮); SHIP-6 requires a template free for every region */
  freeShippingClaim: Type.Boolean(),
  shippingTemplate: ShippingTemplateSchema,
  /** SHIP-5: regions this SKU does not sell to */
  restrictedRegions: Type.Array(Type.String()),
  dailyPrices: DailyPricesSchema,
  /** campaign prices per tier (PRICE-1/2), earlier campaigns of the year */
  campaignPrices: Type.Array(CampaignPriceSchema),
  /** the current list (daily) price */
  listPriceFen: Fen,
  stock: Type.Integer({ minimum: 0 }),
  /** presale SKU (deposit + final payment) */
  presale: Type.Boolean(),
  /** deposit for presale SKUs, else 0 */
  depositFen: Fen,
  /** SHIP-1 override: contract ship time, hours after payment; `null` = the ruleset's deadline */
  contractShipHours: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
})
export type Sku = Static<typeof SkuSchema>

export const RegistrationNodeSchema = Type.Enum(['wave1Presale', 'wave1Spot', 'wave2Presale', 'wave2Spot'])
export type RegistrationNode = Static<typeof RegistrationNodeSchema>

export const RegistrationSchema = Type.Object({
  id: Id,
  merchantId: Id,
  skuId: Id,
  node: RegistrationNodeSchema,
  campaign: Type.Literal('double11'),
  tier: Type.Literal('S1'),
  submittedAt: IsoTimeSchema,
  campaignPriceFen: Fen,
  crossStoreCoupon: Type.Boolean(),
  /** `null` for a valid registration; otherwise the rule it deliberately breaks */
  expectedRejection: Type.Union([InvalidReasonSchema, Type.Null()]),
})
export type Registration = Static<typeof RegistrationSchema>

export const MembershipSchema = Type.Enum(['none', 'tmall-member', '88vip'])
export type Membership = Static<typeof MembershipSchema>

export const BuyerSchema = Type.Object({
  id: Id,
  name: Type.String(),
  region: Type.String(),
  city: Type.String(),
  membership: MembershipSchema,
  registeredAt: IsoTimeSchema,
})
export type Buyer = Static<typeof BuyerSchema>

export const OrderItemSchema = Type.Object({
  skuId: Id,
  merchantId: Id,
  quantity: Type.Integer({ minimum: 1 }),
  unitPriceFen: Fen,
})
export type OrderItem = Static<typeof OrderItemSchema>

export const OrderKindSchema = Type.Enum(['presale', 'spot'])
export type OrderKind = Static<typeof OrderKindSchema>

/**
 * One checkout. Spot checkouts may hold items of several shops (PRICE-3 cross-store coupon); the
 * platform splits by `merchantId`. Presale checkouts hold one SKU and pay deposit + final payment.
 */
export const OrderSchema = Type.Object({
  id: Id,
  buyerId: Id,
  kind: OrderKindSchema,
  wave: Type.Union([Type.Literal(1), Type.Literal(2)]),
  /** ship-to province (SHIP-5) */
  region: Type.String(),
  items: Type.Array(OrderItemSchema),
  /** distinct shops in `items` */
  shopCount: Type.Integer({ minimum: 1 }),
  /** sum of quantity × unitPriceFen, before coupons */
  totalFen: Fen,
  createdAt: IsoTimeSchema,
  /** `createdAt` as epoch ms */
  simTime: Type.Number(),
  /** presale: deposit paid at creation; spot: 0 */
  depositFen: Fen,
  /** presale: remaining amount paid in the final-payment window; spot: 0 */
  finalPaymentFen: Fen,
  /** presale: when the final payment is made (`null` = never paid) */
  finalPaidAt: Type.Union([IsoTimeSchema, Type.Null()]),
  /** when the order is fully paid (`null` = unpaid presale) */
  paidAt: Type.Union([IsoTimeSchema, Type.Null()]),
})
export type Order = Static<typeof OrderSchema>

/** EXP-4 consultation topics. */
export const ConsultationTopicSchema = Type.Enum([
  'presale-question',
  'payment-reminder',
  'shipping-inquiry',
  'after-sale',
  'price-complaint',
])
export type ConsultationTopic = Static<typeof ConsultationTopicSchema>

export const ConsultationSchema = Type.Object({
  id: Id,
  merchantId: Id,
  buyerId: Id,
  /** the order it concerns, `null` for pre-sale questions about no order */
  orderId: Type.Union([Id, Type.Null()]),
  topic: ConsultationTopicSchema,
  /** finer reason: a subtype of the ruleset's EXP-4 category, e.g. `coupon-stacking`, `no-trace-after-ship` */
  subtopic: Type.String(),
  startedAt: IsoTimeSchema,
  simTime: Type.Number(),
  /** buyer + agent messages */
  turns: Type.Integer({ minimum: 0 }),
  /** at burst merchants divert to bot-only reception (EXP-4, 003) */
  botOnly: Type.Boolean(),
})
export type Consultation = Static<typeof ConsultationSchema>

export const AfterSaleKindSchema = Type.Enum(['refund-request', 'complaint', 'negative-review', 'return'])
export type AfterSaleKind = Static<typeof AfterSaleKindSchema>

export const AfterSaleSchema = Type.Object({
  id: Id,
  orderId: Id,
  merchantId: Id,
  buyerId: Id,
  skuId: Id,
  kind: AfterSaleKindSchema,
  reason: Type.String(),
  at: IsoTimeSchema,
  simTime: Type.Number(),
  /** amount claimed (refund, return), 0 for reviews */
  amountFen: Fen,
})
export type AfterSale = Static<typeof AfterSaleSchema>

/** The row schema of each entity kind. */
export const ROW_SCHEMAS = {
  merchants: MerchantSchema,
  skus: SkuSchema,
  registrations: RegistrationSchema,
  buyers: BuyerSchema,
  orders: OrderSchema,
  consultations: ConsultationSchema,
  after_sales: AfterSaleSchema,
} as const satisfies Record<EntityKind, TObject>

/**
 * Each kind's fields in row order: the CSV header, read off {@link ROW_SCHEMAS}. Only shard 1 (or a
 * whole world) writes the header, so a reader of a later shard takes the columns from here
 * (`test/read-world.test.ts` holds this list to the rows the generator builds).
 */
export const CSV_COLUMNS = Object.fromEntries(
  ENTITY_KINDS.map((kind) => [kind, Object.keys(ROW_SCHEMAS[kind].properties)]),
) as unknown as Record<EntityKind, readonly string[]>

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
