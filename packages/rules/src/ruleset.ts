import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseIsoWithOffset } from '@d11/time/shanghai'
import Type, { type Static } from 'typebox'
import { checkSchema, configError, displayPath, RULESETS_DIR, readDataFile } from './data-file.ts'
import { RulesError } from './errors.ts'

/**
 * Rulesets are data (`rulesets/<version>.yaml`), validated against {@link RulesetFileSchema} on load
 * and versioned by effective date: {@link rulesetAt} returns the version in force at a simulated
 * time. Every file lists the values the sources do not give under `defaults`. Shipped versions:
 * `2009-11-11` (baseline), `2022-04-15` (001's price tiers), `2024-05-20` (002's rules, from the
 * 2024 618 start, a default date).
 */

export const TIERS = ['S1', 'S2', 'A'] as const
export type Tier = (typeof TIERS)[number]

const NonNegInt = Type.Integer({ minimum: 0 })
const Amounts = Type.Object(
  { rateBp: NonNegInt, minFen: NonNegInt, maxFen: NonNegInt },
  { additionalProperties: false },
)
const Metric = Type.Object(
  {
    group: Type.Union([Type.Literal('product'), Type.Literal('logistics'), Type.Literal('service')]),
    best: Type.Number(),
    worst: Type.Number(),
  },
  { additionalProperties: false },
)
const strict = { additionalProperties: false } as const

/**
 * TypeBox schema of a ruleset file. Times are ISO strings with offset (checked after the schema).
 * The rules of 002 (2024) are optional sections: absent means the rule is not in force in that
 * version, and the rule functions answer so (`inForce: false`) instead of callers asking the version.
 */
export const RulesetFileSchema = Type.Object(
  {
    version: Type.String({ minLength: 1 }),
    effectiveFrom: Type.String({ minLength: 1 }),
    source: Type.Optional(Type.String()),
    campaigns: Type.Record(
      Type.String(),
      Type.Object({ name: Type.String(), venue: Type.Optional(Type.Boolean()) }, strict),
    ),
    tiers: Type.Record(Type.String(), Type.Array(Type.String())),
    price: Type.Object(
      {
        sameTierValidates: Type.Boolean(),
        priceRequirement: Type.Object({ S1: Type.Boolean(), S2: Type.Boolean(), A: Type.Boolean() }, strict),
        validationWindowDays: Type.Integer({ minimum: 1 }),
      },
      strict,
    ),
    crossStoreCoupon: Type.Object(
      {
        thresholdFen: Type.Integer({ minimum: 1 }),
        discountFen: NonNegInt,
        stacking: Type.Union([Type.Literal('per-threshold'), Type.Literal('once')]),
      },
      strict,
    ),
    priceProtection: Type.Object({ windowDays: Type.Integer({ minimum: 0 }) }, strict),
    registration: Type.Object(
      {
        eligibility: Type.Object(
          {
            maxViolationPoints: Type.Number({ minimum: 0 }),
            minActivityLevel: Type.Number({ minimum: 0 }),
            maxCompositeRankingPct: Type.Number({ minimum: 0, maximum: 100 }),
            minBasicServiceScore: Type.Number({ minimum: 0 }),
            /** REG-3's EXP-3 score gate (002, 2024). */
            minExperienceScore: Type.Optional(Type.Number({ minimum: 0 })),
          },
          strict,
        ),
      },
      strict,
    ),
    shipping: Type.Object(
      {
        pickup: Type.Object(
          {
            wave1Hours: Type.Number({ exclusiveMinimum: 0 }),
            wave2Hours: Type.Number({ exclusiveMinimum: 0 }),
            outsideWavesHours: Type.Number({ exclusiveMinimum: 0 }),
          },
          strict,
        ),
        traceHours: Type.Number({ exclusiveMinimum: 0 }),
        springFestival: Type.Optional(
          Type.Array(
            Type.Object(
              {
                id: Type.String({ minLength: 1 }),
                from: Type.String(),
                to: Type.String(),
                pickupHours: Type.Number({ exclusiveMinimum: 0 }),
                uncoveredRegions: Type.Array(Type.String()),
              },
              strict,
            ),
          ),
        ),
        regions: Type.Array(Type.String(), { minItems: 1 }),
        freeShippingWords: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
      },
      strict,
    ),
    compensation: Type.Object(
      {
        lateShipment: Amounts,
        oversell: Amounts,
        complaintHandlingHours: Type.Number({ exclusiveMinimum: 0 }),
        presale: Type.Optional(
          Type.Object(
            {
              multiplierBp: NonNegInt,
              multiplyAfterClamp: Type.Boolean(),
              appliesToOversell: Type.Boolean(),
            },
            strict,
          ),
        ),
        massDelay: Type.Optional(
          Type.Object(
            {
              minOrders: NonNegInt,
              warnDelayRateBp: NonNegInt,
              removeDelayRateBp: NonNegInt,
              warnPoorServiceCount: NonNegInt,
              removePoorServiceCount: NonNegInt,
            },
            strict,
          ),
        ),
        appeals: Type.Optional(
          Type.Object(
            {
              windowDays: Type.Integer({ minimum: 0 }),
              maxPerDispute: NonNegInt,
              smallDisputeMaxFen: NonNegInt,
              lowSuccessMinAppeals: NonNegInt,
              lowSuccessRateBp: NonNegInt,
            },
            strict,
          ),
        ),
        instantRefund: Type.Optional(Type.Object({ scope: Type.Literal('unshipped') }, strict)),
      },
      strict,
    ),
    experience: Type.Object(
      {
        windowDays: Type.Integer({ minimum: 1 }),
        replyRate: Type.Object({ minRateBp: NonNegInt }, strict),
        manualResponse: Type.Object({ maxSeconds: Type.Number({ minimum: 0 }) }, strict),
        metrics: Type.Record(Type.String(), Metric),
        score: Type.Optional(
          Type.Object(
            {
              scale: Type.Number({ exclusiveMinimum: 0 }),
              weights: Type.Record(Type.String(), Type.Number({ minimum: 0 })),
            },
            strict,
          ),
        ),
        consultationMix: Type.Array(
          Type.Object(
            { id: Type.String({ minLength: 1 }), shareBp: NonNegInt, subtypes: Type.Array(Type.String()) },
            strict,
          ),
          { minItems: 1 },
        ),
        botOnlyBurstMinutes: Type.Number({ minimum: 0 }),
      },
      strict,
    ),
    defaults: Type.Array(Type.String()),
  },
  strict,
)

export type RulesetFile = Static<typeof RulesetFileSchema>

/** A loaded ruleset: the file's data with times as epoch ms and a campaign -> tier map. */
export type Ruleset = Omit<RulesetFile, 'effectiveFrom' | 'shipping'> & {
  /** Start of the version in force, epoch ms (inclusive). */
  effectiveFrom: number
  /** Start of the next version (exclusive), `Infinity` for the newest. */
  effectiveTo: number
  /** File the version was loaded from, relative to the package root. */
  file: string
  /** PRICE-1: campaign id -> tier. */
  tierOf: Record<string, Tier>
  shipping: Omit<RulesetFile['shipping'], 'springFestival'> & {
    /** SHIP-1 (001): Spring-festival windows, `[from, to)` epoch ms; empty when none is in force. */
    springFestival: Array<{
      id: string
      from: number
      to: number
      pickupHours: number
      uncoveredRegions: string[]
    }>
  }
}

/** Rule ID that owns a field of a ruleset file, for error messages. */
export function ruleForRulesetField(field: string): string {
  const table: Array<[string, string]> = [
    ['tiers', 'PRICE-1'],
    ['campaigns', 'PRICE-1'],
    ['price.sameTierValidates', 'PRICE-1'],
    ['price', 'PRICE-2'],
    ['crossStoreCoupon', 'PRICE-3'],
    ['priceProtection', 'PRICE-5'],
    ['registration', 'REG-3'],
    ['shipping.traceHours', 'SHIP-2'],
    ['shipping.regions', 'SHIP-5'],
    ['shipping.freeShippingWords', 'SHIP-6'],
    ['shipping', 'SHIP-1'],
    ['compensation.lateShipment', 'PAY-1'],
    ['compensation.oversell', 'PAY-3'],
    ['compensation.presale', 'PAY-4'],
    ['compensation.complaintHandlingHours', 'PAY-5'],
    ['compensation.massDelay', 'PAY-6'],
    ['compensation.appeals', 'PAY-7'],
    ['compensation.instantRefund', 'PAY-8'],
    ['registration.eligibility.minExperienceScore', 'REG-3'],
    ['experience.windowDays', 'EXP-1'],
    ['experience.metrics', 'EXP-3'],
    ['experience.replyRate', 'EXP-1'],
    ['experience.manualResponse', 'EXP-2'],
    ['experience.score', 'EXP-3'],
    ['experience.consultationMix', 'EXP-4'],
    ['experience.botOnlyBurstMinutes', 'EXP-4'],
    ['experience', 'EXP-3'],
  ]
  for (const [prefix, rule] of table) {
    if (field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`)) return rule
  }
  return 'CAL-2'
}

function fieldExists(data: unknown, path: string): boolean {
  let cur: unknown = data
  for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (cur === null || typeof cur !== 'object') return false
    cur = (cur as Record<string, unknown>)[part]
  }
  return cur !== undefined
}

/** Loads and validates one ruleset file. Errors read `file: field: problem (RULE-ID)`. */
export function loadRulesetFile(file: string): Ruleset {
  const raw = readDataFile(file, 'CAL-2')
  checkSchema(RulesetFileSchema, raw, file, ruleForRulesetField)
  const data = raw as RulesetFile
  const fail = (field: string, what: string) => configError(file, field, what, ruleForRulesetField(field))
  const time = (field: string, iso: string): number => {
    const ms = parseIsoWithOffset(iso)
    if (ms === undefined) {
      throw fail(
        field,
        `unparseable date "${iso}": write an ISO date-time with offset, e.g. 2022-04-15T00:00:00+08:00`,
      )
    }
    return ms
  }
  const effectiveFrom = time('effectiveFrom', data.effectiveFrom)

  // PRICE-1: tiers name known tiers and known campaigns, each campaign in exactly one tier.
  const tierOf: Record<string, Tier> = {}
  for (const [tier, ids] of Object.entries(data.tiers)) {
    if (!(TIERS as readonly string[]).includes(tier)) {
      throw configError(
        file,
        `tiers.${tier}`,
        `unknown tier "${tier}": tiers are ${TIERS.join(', ')}`,
        'PRICE-1',
      )
    }
    ids.forEach((id, i) => {
      const field = `tiers.${tier}[${i}]`
      if (!Object.hasOwn(data.campaigns, id))
        throw configError(file, field, `unknown campaign "${id}"`, 'PRICE-1')
      if (tierOf[id] !== undefined) {
        throw configError(file, field, `campaign "${id}" is already in tier ${tierOf[id]}`, 'PRICE-1')
      }
      tierOf[id] = tier as Tier
    })
  }
  for (const id of Object.keys(data.campaigns)) {
    if (tierOf[id] === undefined)
      throw configError(file, `campaigns.${id}`, 'campaign has no tier', 'PRICE-1')
  }

  // SHIP-1: Spring-festival windows are well-formed, name known regions and do not overlap ([from, to)).
  const windows = (data.shipping.springFestival ?? []).map((w, i) => {
    const field = `shipping.springFestival[${i}]`
    const from = time(`${field}.from`, w.from)
    const to = time(`${field}.to`, w.to)
    if (!(from < to)) throw fail(field, 'from must be before to')
    w.uncoveredRegions.forEach((r, j) => {
      if (!data.shipping.regions.includes(r))
        throw fail(`${field}.uncoveredRegions[${j}]`, `unknown region "${r}"`)
    })
    return { id: w.id, from, to, pickupHours: w.pickupHours, uncoveredRegions: w.uncoveredRegions, index: i }
  })
  const sorted = [...windows].sort((a, b) => a.from - b.from)
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!
    const cur = sorted[i]!
    if (cur.from < prev.to) {
      throw fail(
        `shipping.springFestival[${cur.index}]`,
        `window "${cur.id}" overlaps window "${prev.id}" (shipping.springFestival[${prev.index}])`,
      )
    }
  }

  // EXP-4: shares sum to 100 %.
  const shareSum = data.experience.consultationMix.reduce((s, c) => s + c.shareBp, 0)
  if (shareSum !== 10_000) {
    throw fail('experience.consultationMix', `shares must sum to 10000 bp, got ${shareSum}`)
  }
  // PAY-6: removal is stricter than the warning.
  const md = data.compensation.massDelay
  if (md && md.removeDelayRateBp < md.warnDelayRateBp) {
    throw fail('compensation.massDelay.removeDelayRateBp', 'must be >= warnDelayRateBp')
  }
  for (const key of ['lateShipment', 'oversell'] as const) {
    const a = data.compensation[key]
    if (a.maxFen < a.minFen) throw fail(`compensation.${key}.maxFen`, 'must be >= minFen')
  }
  // EXP-3: every weight names a metric.
  for (const name of Object.keys(data.experience.score?.weights ?? {})) {
    if (!Object.hasOwn(data.experience.metrics, name)) {
      throw fail(`experience.score.weights.${name}`, `names no metric of experience.metrics`)
    }
  }
  data.defaults.forEach((path, i) => {
    if (!fieldExists(data, path))
      throw configError(file, `defaults[${i}]`, `names no field: "${path}"`, 'CAL-2')
  })

  const { effectiveFrom: _, shipping, ...rest } = data
  return {
    ...rest,
    effectiveFrom,
    effectiveTo: Number.POSITIVE_INFINITY,
    file: displayPath(file),
    tierOf,
    shipping: { ...shipping, springFestival: windows.map(({ index: _i, ...w }) => w) },
  }
}

/**
 * Loads every `*.yaml`/`*.json` ruleset in a folder, sorted by effective date, and sets each
 * version's `effectiveTo` to the next one's start. Two versions with the same start overlap and are
 * rejected.
 */
export function loadRulesetDir(dir: string): Ruleset[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml') || f.endsWith('.json'))
    .sort()
  const loaded = files
    .map((f) => ({ path: resolve(dir, f), rs: loadRulesetFile(resolve(dir, f)) }))
    .sort((a, b) => a.rs.effectiveFrom - b.rs.effectiveFrom)
  const list = loaded.map((l) => l.rs)
  for (let i = 0; i < list.length; i++) {
    const cur = list[i]!
    const next = list[i + 1]
    if (next && next.effectiveFrom === cur.effectiveFrom) {
      throw configError(
        loaded[i + 1]!.path,
        'effectiveFrom',
        `overlaps ${cur.file}: two versions take effect at the same time`,
        'CAL-2',
      )
    }
    cur.effectiveTo = next ? next.effectiveFrom : Number.POSITIVE_INFINITY
  }
  return list
}

let shipped: Ruleset[] | undefined

/** The shipped versions (`rulesets/*.yaml`), oldest first. */
export function listRulesets(): Ruleset[] {
  shipped ??= loadRulesetDir(RULESETS_DIR)
  return shipped
}

/**
 * The ruleset version in force at `simTime` (epoch ms): the newest version whose `effectiveFrom`
 * is at or before it. Pass `versions` to pick from your own list (e.g. a run's overrides).
 */
export function rulesetAt(simTime: number, versions: Ruleset[] = listRulesets()): Ruleset {
  let found: Ruleset | undefined
  for (const v of versions) if (v.effectiveFrom <= simTime) found = v
  if (!found) {
    throw new RulesError(`no ruleset in force at ${new Date(simTime).toISOString()} (CAL-2)`, {
      ruleId: 'CAL-2',
      field: 'effectiveFrom',
    })
  }
  return found
}

/** The shipped version with this `version` string (e.g. `2022-04-15`). */
export function getRuleset(version: string): Ruleset {
  const found = listRulesets().find((r) => r.version === version)
  if (!found) {
    const known = listRulesets().map((r) => r.version)
    throw new RulesError(
      `unknown ruleset version "${version}": known versions are ${known.join(', ')} (CAL-2)`,
      {
        ruleId: 'CAL-2',
        field: 'version',
      },
    )
  }
  return found
}
