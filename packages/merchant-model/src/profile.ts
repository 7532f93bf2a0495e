/**
 * Capacity profiles of a merchant (`profiles/<name>.yaml`): stock sync, warehouse, customer
 * service and after-sale capacity — what the reference merchant runs and the simulator maps. Loaded and validated against {@link ProfileSchema}
 * at start; a bad file is rejected with its path and the field at fault. Every parameter can be
 * overridden per run (`--set warehouse.picksPerHour=4000` or an overrides object).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Static, Type } from 'typebox'
import { Value } from 'typebox/value'
import { parse } from 'yaml'
import { shiftIntervals } from './capacity.ts'
import { MerchantError } from './errors.ts'

/** `HH:MM` in Asia/Shanghai simulated time; `24:00` ends a day. */
const ClockTime = Type.String({
  pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$',
  description: 'HH:MM, Asia/Shanghai',
})

const strict = { additionalProperties: false } as const

const WarehouseShift = Type.Object(
  {
    from: ClockTime,
    to: ClockTime,
    /** Capacity during this shift; defaults to `warehouse.picksPerHour`. */
    picksPerHour: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  strict,
)

const AgentShift = Type.Object(
  {
    from: ClockTime,
    to: ClockTime,
    /** Agents on duty during this shift; defaults to `customerService.agents.count`. */
    count: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  strict,
)

const DeskShift = Type.Object({ from: ClockTime, to: ClockTime }, strict)

export const ProfileSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    description: Type.String(),
    /** Seed of the response-time PRNG (seedrandom). */
    seed: Type.Integer(),
    stock: Type.Object(
      {
        /** How the platform reserves this merchant's stock: the platform's oversell policy. */
        reservation: Type.Union([Type.Literal('strict'), Type.Literal('buffered'), Type.Literal('lagging')]),
        /** Age of the merchant's view of sales when it re-publishes sellable stock, sim minutes. */
        syncLagMinutes: Type.Number({ minimum: 0 }),
        /** How often sellable stock is re-published, sim minutes. */
        syncEveryMinutes: Type.Number({ exclusiveMinimum: 0 }),
        /** `buffered`: units sold beyond physical stock, as a share of it. */
        bufferShare: Type.Number({ minimum: 0, maximum: 1 }),
        /** Share of physical stock never published (safety stock). */
        safetyStockShare: Type.Number({ minimum: 0, maximum: 1 }),
      },
      strict,
    ),
    warehouse: Type.Object(
      {
        /** Orders picked and packed per simulated hour while a shift is on. */
        picksPerHour: Type.Integer({ minimum: 0 }),
        /** Non-overlapping shifts; `from` > `to` crosses midnight. */
        shifts: Type.Array(WarehouseShift, { minItems: 1 }),
        /** Carrier pickup waves (SHIP-1 counts the pickup, not the packing). */
        carrierWaves: Type.Array(ClockTime, { minItems: 1 }),
        /** Delay from pickup to the first logistics trace update (SHIP-2), sim minutes. */
        traceDelayMinutes: Type.Number({ minimum: 0 }),
      },
      strict,
    ),
    customerService: Type.Object(
      {
        bot: Type.Object(
          {
            /** Share of buyer messages the bot (店小蜜) answers by itself; counts for EXP-1. */
            coverage: Type.Number({ minimum: 0, maximum: 1 }),
            latencySeconds: Type.Number({ minimum: 0 }),
          },
          strict,
        ),
        /** 003: past this many messages waiting for a human, every new message is bot-only. 0 = never. */
        botOnlyQueueDepth: Type.Integer({ minimum: 0 }),
        /** Auto-reply on arrival; EXP-1 does not count it (001). */
        autoReply: Type.Object(
          { enabled: Type.Boolean(), delaySeconds: Type.Number({ minimum: 0 }) },
          strict,
        ),
        agents: Type.Object(
          {
            count: Type.Integer({ minimum: 0 }),
            /** Non-overlapping shifts, each with its own head count. */
            shifts: Type.Array(AgentShift, { minItems: 1 }),
            /** Handling time of one manual turn: log-normal with this median and 90th percentile. */
            responseSeconds: Type.Object(
              { median: Type.Number({ exclusiveMinimum: 0 }), p90: Type.Number({ exclusiveMinimum: 0 }) },
              strict,
            ),
            /** Buyers waiting longer than this for a human leave unanswered. */
            abandonAfterMinutes: Type.Number({ exclusiveMinimum: 0 }),
            /** Share of manual replies drafted by the bot and sent by a human (bot-assisted). */
            botAssistedShare: Type.Number({ minimum: 0, maximum: 1 }),
          },
          strict,
        ),
      },
      strict,
    ),
    afterSale: Type.Object(
      {
        /** Refund decisions per simulated hour while the desk is staffed. */
        refundsPerHour: Type.Integer({ minimum: 0 }),
        /** Complaints handled per simulated hour (PAY-5: within 48 h). */
        complaintsPerHour: Type.Integer({ minimum: 0 }),
        shifts: Type.Array(DeskShift, { minItems: 1 }),
      },
      strict,
    ),
  },
  strict,
)

export type Profile = Static<typeof ProfileSchema>
/** A partial profile, merged over a loaded one. */
export type ProfileOverrides = Record<string, unknown>

/** Folder of the bundled profiles. */
export const PROFILES_DIR = fileURLToPath(new URL('../profiles/', import.meta.url))

/** Names of the bundled profiles (`prepared`, `understaffed`, `oversell-prone`, …). */
export function listProfiles(): string[] {
  return readdirSync(PROFILES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'))
    .sort()
}

export interface LoadProfileOptions {
  /** Deep-merged over the file before validation. */
  overrides?: ProfileOverrides
  /** `--set path=value` strings, applied after `overrides`. */
  set?: string[]
}

/**
 * Load a profile by bundled name (`prepared`) or by path to a YAML file, apply overrides, validate.
 * Throws {@link MerchantError} naming the file and field.
 */
export function loadProfile(nameOrPath: string, opts: LoadProfileOptions = {}): Profile {
  const file = resolveProfileFile(nameOrPath)
  let raw: unknown
  try {
    raw = parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new MerchantError(
      'MERCH_ERR_PROFILE_INVALID',
      '',
      `${file}: not valid YAML (${(err as Error).message})`,
    )
  }
  return validateProfile(raw, file, opts)
}

/** Validate an already parsed profile; `source` names it in errors. */
export function validateProfile(raw: unknown, source: string, opts: LoadProfileOptions = {}): Profile {
  let merged = raw
  if (opts.overrides) merged = deepMerge(merged, opts.overrides)
  for (const s of opts.set ?? []) merged = applySet(merged, s)
  const where = opts.overrides || opts.set?.length ? `${source} (with overrides)` : source
  const errors = [...Value.Errors(ProfileSchema, merged)].filter((e) => e.keyword !== 'boolean')
  const first = errors.sort((a, b) => b.instancePath.length - a.instancePath.length)[0]
  if (first) {
    let field = pointerToField(first.instancePath)
    let msg = first.message
    if (first.keyword === 'additionalProperties') {
      const extra = (first.params as { additionalProperties?: string[] }).additionalProperties?.[0]
      field = field ? `${field}.${extra}` : String(extra)
      msg = 'is not a known setting'
    } else if (first.keyword === 'required') {
      const missing = (first.params as { requiredProperties?: string[] }).requiredProperties?.[0]
      if (missing) field = field ? `${field}.${missing}` : missing
      msg = 'is required'
    }
    throw new MerchantError('MERCH_ERR_PROFILE_INVALID', field, `${where}: ${field || '(root)'} ${msg}`)
  }
  const profile = merged as Profile
  checkShifts(profile.warehouse.shifts, 'warehouse.shifts', where)
  checkShifts(profile.customerService.agents.shifts, 'customerService.agents.shifts', where)
  checkShifts(profile.afterSale.shifts, 'afterSale.shifts', where)
  if (
    profile.customerService.agents.responseSeconds.p90 < profile.customerService.agents.responseSeconds.median
  ) {
    const field = 'customerService.agents.responseSeconds.p90'
    throw new MerchantError('MERCH_ERR_PROFILE_INVALID', field, `${where}: ${field} must be >= median`)
  }
  return profile
}

function resolveProfileFile(nameOrPath: string): string {
  if (/^[a-z0-9-]+$/.test(nameOrPath)) {
    const file = join(PROFILES_DIR, `${nameOrPath}.yaml`)
    if (existsSync(file)) return file
    throw new MerchantError(
      'MERCH_ERR_PROFILE_UNKNOWN',
      'profile',
      `unknown profile "${nameOrPath}": use one of ${listProfiles().join(', ')} or a path to a YAML file`,
    )
  }
  if (!existsSync(nameOrPath)) {
    throw new MerchantError(
      'MERCH_ERR_PROFILE_UNKNOWN',
      'profile',
      `profile file ${nameOrPath} does not exist`,
    )
  }
  return nameOrPath
}

function checkShifts(shifts: Array<{ from: string; to: string }>, field: string, where: string): void {
  const spans: Array<[number, number, number]> = []
  shifts.forEach((s, i) => {
    const iv = shiftIntervals(s)
    if (iv.length === 0) {
      throw new MerchantError(
        'MERCH_ERR_PROFILE_INVALID',
        `${field}[${i}]`,
        `${where}: ${field}[${i}] is empty (from = to)`,
      )
    }
    for (const [a, b] of iv) spans.push([a, b, i])
  })
  spans.sort((x, y) => x[0] - y[0])
  for (let k = 1; k < spans.length; k++) {
    const prev = spans[k - 1]!
    const cur = spans[k]!
    if (cur[0] < prev[1]) {
      const f = `${field}[${cur[2]}]`
      throw new MerchantError(
        'MERCH_ERR_SHIFT_OVERLAP',
        f,
        `${where}: ${f} overlaps ${field}[${prev[2]}]; shifts must not overlap`,
      )
    }
  }
}

function pointerToField(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '')
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlain(base) || !isPlain(over)) return over
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v)
  return out
}

/** Apply one `path=value` override (`warehouse.picksPerHour=4000`, `warehouse.shifts[0].to=22:00`). */
export function applySet(target: unknown, assignment: string): unknown {
  const eq = assignment.indexOf('=')
  if (eq <= 0) {
    throw new MerchantError('MERCH_ERR_OVERRIDE', '--set', `--set ${assignment}: expected path=value`)
  }
  const path = assignment.slice(0, eq).trim()
  const text = assignment.slice(eq + 1)
  const keys = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
  let value: unknown
  try {
    value = /^\d{1,2}:\d{2}$/.test(text.trim()) ? text.trim() : parse(text)
  } catch {
    value = text
  }
  const root = structuredClone(target) as Record<string, unknown>
  let node: Record<string, unknown> = root
  for (const [i, key] of keys.entries()) {
    if (i === keys.length - 1) {
      node[key] = value
    } else {
      const next = node[key]
      if (typeof next !== 'object' || next === null) {
        throw new MerchantError(
          'MERCH_ERR_OVERRIDE',
          '--set',
          `--set ${path}: "${key}" is not a known setting`,
        )
      }
      node = next as Record<string, unknown>
    }
  }
  return root
}
