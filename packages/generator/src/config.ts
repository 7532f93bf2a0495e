import type { AfterSaleKind, ConsultationTopic, WorldFormat } from './entities.ts'

/** Base error of `@d11/generator`; `flag` names the option at fault (CLI exits 2 with it). */
export class GeneratorError extends Error {
  readonly code = 'D11_GEN'
  constructor(
    message: string,
    /** the CLI flag / option at fault, e.g. `--scale` */
    readonly flag: string,
  ) {
    super(message)
    this.name = 'GeneratorError'
  }
}

/** Row counts of one scale. */
export interface ScaleCounts {
  merchants: number
  skusPerMerchant: number
  buyers: number
  orders: number
  consultations: number
  afterSales: number
}

/** The named scales (`--scale`). Registrations are two per SKU. */
export const SCALES = {
  /** CI: ~10k orders, a few seconds */
  tiny: {
    merchants: 20,
    skusPerMerchant: 20,
    buyers: 3_000,
    orders: 10_000,
    consultations: 3_000,
    afterSales: 800,
  },
  /** ~1M orders */
  small: {
    merchants: 500,
    skusPerMerchant: 40,
    buyers: 200_000,
    orders: 1_000_000,
    consultations: 300_000,
    afterSales: 80_000,
  },
  /** ~10M orders, ~3M consultations */
  large: {
    merchants: 2_000,
    skusPerMerchant: 50,
    buyers: 2_000_000,
    orders: 10_000_000,
    consultations: 3_000_000,
    afterSales: 800_000,
  },
} as const satisfies Record<string, ScaleCounts>
export type ScaleName = keyof typeof SCALES

/**
 * EXP-4 topics of `@d11/rules/experience` `consultationMix` (the ruleset in force at wave-2 spot
 * open) by their entity names: the rules' `presale` category is the `presale-question` topic.
 */
export const RULE_CATEGORY_TOPIC: Record<string, ConsultationTopic> = {
  presale: 'presale-question',
  'payment-reminder': 'payment-reminder',
  'shipping-inquiry': 'shipping-inquiry',
  'after-sale': 'after-sale',
  'price-complaint': 'price-complaint',
}

export interface GeneratorOptions {
  seed: number
  scale: ScaleName
  calendar: string
  /** @default 'ndjson' */
  format?: WorldFormat
  /**
   * Share of campaign registrations generated deliberately invalid, about a quarter each over REG-1
   * (outside window), PRICE-2 (tier price too high), REG-2 (wave conflict), REG-4 (no coupon; half of
   * it from merchants without the coupon). REG-3 comes on top, from `ineligibleMerchantShare`.
   * @default 0.12
   */
  invalidRegistrationShare?: number
  /**
   * Share of merchants generated deliberately ineligible (REG-3): each fails exactly one threshold
   * of the ruleset's `registration.eligibility` (named in `Merchant.failsThreshold`), and every
   * registration of theirs expects `REG-3`.
   * @default 0.08
   */
  ineligibleMerchantShare?: number
  /** EXP-4 consultation mix override, shares per topic (normalized). @default the ruleset's `experience.consultationMix` */
  consultationMix?: Partial<Record<ConsultationTopic, number>>
  /** After-sale event kinds, relative weights. @default refund 0.45, return 0.2, complaint 0.15, negative review 0.2 */
  afterSaleMix?: Partial<Record<AfterSaleKind, number>>
  /** Share of presale-phase orders that are presale (deposit) orders. @default 0.8 */
  presaleOrderShare?: number
  /** Share of spot checkouts holding items of 2 or 3 shops (PRICE-3). @default 0.3 */
  crossStoreShare?: number
}

export const DEFAULT_AFTER_SALE_MIX: Record<AfterSaleKind, number> = {
  'refund-request': 0.45,
  return: 0.2,
  complaint: 0.15,
  'negative-review': 0.2,
}

/** Provinces (region codes are their names, as in shipping templates). */
export const REGIONS = [
  '北京',
  '天津',
  '河北',
  '山西',
  '内蒙古',
  '辽宁',
  '吉林',
  '黑龙江',
  '上海',
  '江苏',
  '浙江',
  '安徽',
  '福建',
  '江西',
  '山东',
  '河南',
  '湖北',
  '湖南',
  '广东',
  '广西',
  '海南',
  '重庆',
  '四川',
  '贵州',
  '云南',
  '西藏',
  '陕西',
  '甘肃',
  '青海',
  '宁夏',
  '新疆',
] as const
/** Remote regions that partial free-shipping templates leave out (SHIP-6) and restrictions target (SHIP-5). */
export const REMOTE_REGIONS = ['内蒙古', '西藏', '青海', '宁夏', '新疆'] as const

/**
 * Upper ends of the REG-3 scales (`@d11/rules/registration` `ShopMetrics`): activity level and
 * basic service score are 0..5; the thresholds themselves come from the ruleset in force.
 */
export const ACTIVITY_LEVEL_MAX = 5
export const BASIC_SERVICE_SCORE_MAX = 5

/** The fixed reference date of faker (never the wall clock). */
export const REFERENCE_DATE = '2022-09-01T00:00:00+08:00'

export function parseScale(value: string): ScaleName {
  if (value in SCALES) return value as ScaleName
  throw new GeneratorError(
    `--scale: unknown scale "${value}" (expected one of ${Object.keys(SCALES).join(', ')})`,
    '--scale',
  )
}

export function parseSeed(value: string): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) > 0xffffffff) {
    throw new GeneratorError(`--seed: "${value}" is not an integer between 0 and 4294967295`, '--seed')
  }
  return Number(value)
}

/** Parses `i/n` (1-based): shard i of n. */
export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value)
  const index = Number(m?.[1])
  const count = Number(m?.[2])
  if (!m || count < 1 || index < 1 || index > count) {
    throw new GeneratorError(`--shard: "${value}" is not i/n with 1 ≤ i ≤ n (e.g. 1/4)`, '--shard')
  }
  return { index, count }
}

export function parseFormat(value: string): WorldFormat {
  if (value === 'ndjson' || value === 'csv') return value
  throw new GeneratorError(`--format: "${value}" is not ndjson or csv`, '--format')
}
