import { readFileSync } from 'node:fs'
import Type, { type Static } from 'typebox'
import { Value } from 'typebox/value'
import { parse as parseYaml } from 'yaml'
import { SimError } from './errors.ts'

/**
 * What-if scenario files (YAML or JSON), validated with a TypeBox schema. Money is yuan here
 * (a file is an edge) and fen inside the engine; times are ISO strings with an offset
 * (`+08:00`), times of day (`HH:MM`) are Asia/Shanghai.
 */

const Iso = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?([+-]\\d{2}:\\d{2}|Z)$',
  description: 'ISO 8601 time with an offset, e.g. 2020-11-11T00:00:00+08:00',
})
const TimeOfDay = Type.String({ pattern: '^([01]\\d|2[0-4]):[0-5]\\d$', description: 'HH:MM, Asia/Shanghai' })
const Fraction = Type.Number({ minimum: 0, maximum: 1 })

const Sku = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    /** price actually paid per order, yuan */
    priceYuan: Type.Number({ exclusiveMinimum: 0 }),
    /** physical units in the warehouse when the window opens */
    stock: Type.Integer({ minimum: 0 }),
    /** share of arrivals that buy this SKU (normalized over all SKUs) @default 1 */
    share: Type.Number({ minimum: 0, default: 1 }),
    /** presale order (PAY-4 multiplier; SHIP-1 presale ship time) @default false */
    presale: Type.Boolean({ default: false }),
    /** presale/contract ship time in hours after payment (SHIP-1); 0 = the standard deadline */
    presaleShipHours: Type.Number({ minimum: 0, default: 0 }),
  },
  { additionalProperties: false },
)

export const ScenarioSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    description: Type.String({ default: '' }),
    /** seed of every random draw; cells derive theirs from (seed, cell parameters) @default 1 */
    seed: Type.Integer({ minimum: 0, default: 1 }),
    /** `@d11/rules` calendar id (no-auto-compensation window PAY-2) */
    calendar: Type.String({ minLength: 1, default: '2020' }),
    merchantId: Type.String({ minLength: 1, default: 'm-000001' }),
    /** arrivals (payments) happen inside [from, to) */
    window: Type.Object({ from: Iso, to: Iso }, { additionalProperties: false }),
    arrivals: Type.Object(
      {
        /** paid orders over the window (exact count); required unless `world` is set */
        orders: Type.Optional(Type.Integer({ minimum: 0 })),
        /** a generated world directory: arrivals are its orders for `merchantId` and the listed SKUs */
        world: Type.Optional(Type.String({ minLength: 1 })),
        /** `burst`: a launch spike decaying with a half-life over a flat base; `flat`; `curve`: @d11/curve */
        shape: Type.Union([Type.Literal('burst'), Type.Literal('flat'), Type.Literal('curve')], {
          default: 'burst',
        }),
        burst: Type.Object(
          {
            /** moment of the spike @default window.from */
            at: Type.Optional(Iso),
            halfLifeMinutes: Type.Number({ exclusiveMinimum: 0, default: 20 }),
            /** share of orders spread flat over the window instead of in the spike */
            baseShare: Type.Number({ minimum: 0, maximum: 1, default: 0.2 }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false },
    ),
    /** the merchant's SKUs; may be left empty with `arrivals.world` to take them from the world */
    skus: Type.Array(Sku, { maxItems: 1000 }),
    /**
     * The stock policy in @d11/order-flow's vocabulary (the platform's config uses the same):
     * `policy` is the reservation, `oversellShare` the signed share of stock sold beyond it.
     */
    oversell: Type.Object(
      {
        /**
         * `strict`: every sale counted at once; `lagging` (old name `synced`): the platform sees sales
         * `syncLagSeconds` late — continuously, or (with `syncEverySeconds`) through the merchant's
         * publications, as the live platform does
         */
        policy: Type.Union([Type.Literal('strict'), Type.Literal('lagging'), Type.Literal('synced')], {
          default: 'lagging',
        }),
        /** signed share of stock offered beyond it: `5%` sells 5 % over, `-2%` holds 2 % back @default 0 */
        oversellShare: Type.Optional(Type.Number({ minimum: -1, maximum: 10 })),
        /** old name: percent of stock held back (= oversellShare −buffer %); ignored when oversellShare is set */
        buffer: Type.Number({ minimum: 0, maximum: 100, default: 0 }),
        /** how late the platform's sold count lags behind real sales @default 0 */
        syncLagSeconds: Type.Number({ minimum: 0, default: 0 }),
        /**
         * `lagging` as the live merchant runs it: every this many seconds (on the clock's grid) the
         * platform's sellable figure is reset to stock − the sales up to `syncLagSeconds` before the
         * publication, and sales after it are counted at once. 0: the sales are seen
         * `syncLagSeconds` late, continuously @default 0
         */
        syncEverySeconds: Type.Number({ minimum: 0, default: 0 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** replenishments; oversold orders wait for them in order, those never covered are PAY-3 */
    restock: Type.Array(
      Type.Object(
        { sku: Type.Optional(Type.String()), at: Iso, units: Type.Integer({ minimum: 0 }) },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
    warehouse: Type.Object(
      {
        picksPerHour: Type.Number({ minimum: 0 }),
        /** working hours each day (Asia/Shanghai); picks happen only inside them @default 00:00-24:00 */
        shifts: Type.Array(
          Type.Object(
            {
              from: TimeOfDay,
              to: TimeOfDay,
              /** this shift's own pick rate @default warehouse.picksPerHour */
              picksPerHour: Type.Optional(Type.Number({ minimum: 0 })),
            },
            { additionalProperties: false },
          ),
          { default: [{ from: '00:00', to: '24:00' }] },
        ),
        /** carrier pickup times each day; a picked parcel ships at the next wave @default every hour */
        pickupWaves: Type.Array(TimeOfDay, { default: [] }),
      },
      { additionalProperties: false },
    ),
    service: Type.Object(
      {
        /** complaints the customer-service team handles per hour (PAY-5: 48 h to handle) */
        complaintsPerHour: Type.Number({ minimum: 0, default: 1000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    buyers: Type.Object(
      {
        /** share of buyers whose order is late who complain @default 0.67 */
        complainRate: Type.Number({ minimum: 0, maximum: 1, default: 0.67 }),
        /** share of late buyers who ask for a refund instead of complaining (PAY-8) @default 0 */
        refundRate: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
        /**
         * share of complaints founded on the facts (PAY-5: only founded complaints are upheld, handled
         * in time or escalated) @default 1
         */
        upheldRate: Fraction,
      },
      { additionalProperties: false, default: { upheldRate: 1 } },
    ),
    /** default grid (`d11 whatif` uses it when no --grid flag is given): path → values, e.g. `oversell.buffer: [0, 2, 5%]` */
    grid: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.Union([Type.Number(), Type.String()]), { minItems: 1 })),
    ),
    /** days simulated after the window closes, for late orders to ship @default 30 */
    horizonDays: Type.Number({ exclusiveMinimum: 0, maximum: 366, default: 30 }),
  },
  { additionalProperties: false },
)

export type Scenario = Static<typeof ScenarioSchema>
export type GridValue = number | string
/** One grid axis: a dotted scenario path and its values (`oversell.buffer` → `[0, 2, 5]`). */
export interface GridAxis {
  path: string
  values: GridValue[]
}

/** Fields whose values may be written as `5%`: percent fields keep the number, fractions divide by 100. */
const PERCENT_FIELDS = new Set(['oversell.buffer'])
const FRACTION_FIELDS = new Set([
  'buyers.complainRate',
  'buyers.refundRate',
  'buyers.upheldRate',
  'oversell.oversellShare',
  'arrivals.burst.baseShare',
])
const PCT = /^-?\d+(\.\d+)?%$/

function normalizeValue(path: string, value: unknown): unknown {
  if (typeof value !== 'string' || !PCT.test(value.trim())) return value
  const n = Number(value.trim().slice(0, -1))
  if (PERCENT_FIELDS.has(path)) return n
  if (FRACTION_FIELDS.has(path)) return n / 100
  return value
}

function normalizeTree(node: unknown, prefix: string): unknown {
  if (prefix === 'grid') return node
  if (Array.isArray(node)) return node.map((v) => normalizeTree(v, prefix))
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(node)) {
      const p = prefix ? `${prefix}.${k}` : k
      out[k] = normalizeTree(v, p)
    }
    return out
  }
  return normalizeValue(prefix, node)
}

function fieldName(instancePath: string): string {
  if (!instancePath) return '(root)'
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '')
}

interface SchemaError {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  message: string
}

/** Turns TypeBox errors into `field: message` lines, one per field, most specific first. */
function describeErrors(errors: SchemaError[]): string[] {
  const byPath = new Map<string, SchemaError[]>()
  for (const e of errors) {
    if (e.keyword === 'boolean') continue
    const list = byPath.get(e.instancePath) ?? []
    list.push(e)
    byPath.set(e.instancePath, list)
  }
  const lines: string[] = []
  for (const [path, list] of byPath) {
    const consts = list.filter((e) => e.keyword === 'const').map((e) => JSON.stringify(e.params.allowedValue))
    const extra = list.find((e) => e.keyword === 'additionalProperties')
    const required = list.find((e) => e.keyword === 'required')
    if (consts.length > 0) lines.push(`${fieldName(path)}: must be one of ${consts.join(', ')}`)
    else if (extra) {
      const names = (extra.params.additionalProperties as string[] | undefined) ?? []
      for (const n of names) lines.push(`${fieldName(`${path}/${n}`)}: unknown field`)
    } else if (required) {
      const names = (required.params.requiredProperties as string[] | undefined) ?? []
      for (const n of names) lines.push(`${fieldName(`${path}/${n}`)}: is required`)
    } else {
      const first = list.find((e) => e.keyword !== 'anyOf') ?? list[0]
      if (first) lines.push(`${fieldName(path)}: ${first.message}`)
    }
  }
  return lines
}

function checkSemantics(s: Scenario): string[] {
  const out: string[] = []
  const from = Date.parse(s.window.from)
  const to = Date.parse(s.window.to)
  if (!(to > from)) out.push('window.to: must be after window.from')
  const ids = new Set<string>()
  s.skus.forEach((k, i) => {
    if (ids.has(k.id)) out.push(`skus[${i}].id: duplicate id "${k.id}"`)
    ids.add(k.id)
  })
  if (s.skus.length === 0 && s.arrivals.world === undefined) {
    out.push('skus: at least one SKU is required unless arrivals.world is set')
  }
  if (s.skus.length > 0 && s.skus.every((k) => k.share === 0)) {
    out.push('skus[].share: at least one SKU needs a share > 0')
  }
  s.restock.forEach((r, i) => {
    if (r.sku !== undefined && !ids.has(r.sku)) out.push(`restock[${i}].sku: unknown SKU "${r.sku}"`)
    if (r.sku === undefined && s.skus.length > 1)
      out.push(`restock[${i}].sku: required when there are several SKUs`)
  })
  s.warehouse.shifts.forEach((sh, i) => {
    if (minuteOfDay(sh.to) <= minuteOfDay(sh.from)) out.push(`warehouse.shifts[${i}].to: must be after from`)
  })
  if (s.buyers.complainRate + s.buyers.refundRate > 1) {
    out.push('buyers.refundRate: complainRate + refundRate must be <= 1')
  }
  if (s.arrivals.orders === undefined && s.arrivals.world === undefined) {
    out.push('arrivals.orders: is required unless arrivals.world is set')
  }
  const at = s.arrivals.burst.at
  if (at !== undefined) {
    const t = Date.parse(at)
    if (t < from || t >= to) out.push('arrivals.burst.at: must lie inside the window')
  }
  return out
}

export function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number)
  return (h ?? 0) * 60 + (m ?? 0)
}

/**
 * Validates a parsed scenario object (defaults filled in). Throws `SimError` (`SIM_ERR_SCENARIO`)
 * whose message lists each wrong field: `warehouse.picksPerHour: must be >= 0`.
 */
export function validateScenario(input: unknown, source = 'scenario'): Scenario {
  const normalized = normalizeTree(input, '')
  const withDefaults = Value.Default(ScenarioSchema, Value.Clone(normalized))
  if (!Value.Check(ScenarioSchema, withDefaults)) {
    const lines = describeErrors([...Value.Errors(ScenarioSchema, withDefaults)] as SchemaError[])
    throw new SimError('SIM_ERR_SCENARIO', `${source}: ${lines.join('; ')}`)
  }
  const s = withDefaults as Scenario
  const semantic = checkSemantics(s)
  if (semantic.length > 0) throw new SimError('SIM_ERR_SCENARIO', `${source}: ${semantic.join('; ')}`)
  return s
}

/** Parses YAML (JSON is YAML) text and validates it. */
export function parseScenario(text: string, source = 'scenario'): Scenario {
  let raw: unknown
  try {
    raw = parseYaml(text)
  } catch (err) {
    throw new SimError('SIM_ERR_SCENARIO', `${source}: not valid YAML/JSON: ${(err as Error).message}`)
  }
  if (!raw || typeof raw !== 'object')
    throw new SimError('SIM_ERR_SCENARIO', `${source}: (root): must be an object`)
  return validateScenario(raw, source)
}

export function loadScenario(path: string): Scenario {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new SimError('SIM_ERR_SCENARIO', `${path}: cannot read: ${(err as Error).message}`)
  }
  return parseScenario(text, path)
}

/**
 * Parses one `--grid` flag: `oversell.buffer=0,2,5%` (a trailing `%` applies to every value),
 * `warehouse.picksPerHour=2000,4000,8000`, `oversell.policy=strict,synced`.
 */
export function parseGridFlag(flag: string): GridAxis {
  const eq = flag.indexOf('=')
  if (eq <= 0) throw new SimError('SIM_ERR_GRID', `--grid: expected path=v1,v2,… got "${flag}"`)
  const path = flag.slice(0, eq).trim()
  let list = flag.slice(eq + 1).trim()
  if (!/^[A-Za-z][\w]*(\.[A-Za-z][\w]*|\[\d+\])*$/.test(path)) {
    throw new SimError(
      'SIM_ERR_GRID',
      `--grid: bad path "${path}" (use dotted fields such as warehouse.picksPerHour)`,
    )
  }
  const allPercent = list.endsWith('%')
  if (allPercent) list = list.slice(0, -1)
  const parts = list.split(',').map((v) => v.trim())
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw new SimError('SIM_ERR_GRID', `--grid ${path}: empty value in "${flag}"`)
  }
  const values = parts.map((p) => {
    const raw = allPercent && !p.endsWith('%') ? `${p}%` : p
    const norm = normalizeValue(path, raw)
    if (typeof norm === 'number') return norm
    if (PCT.test(raw)) throw new SimError('SIM_ERR_GRID', `--grid ${path}: "%" is not allowed for this field`)
    const n = Number(raw)
    return raw !== '' && Number.isFinite(n) ? n : raw
  })
  return { path, values }
}

/** The scenario's own `grid:` map as axes (same syntax as `--grid`). */
export function gridAxesOf(s: Scenario): GridAxis[] {
  return Object.entries(s.grid ?? {}).map(([path, values]) => parseGridFlag(`${path}=${values.join(',')}`))
}

/** Sets `path` (`a.b[0].c`) inside a deep copy of `obj`. */
export function setPath<T>(obj: T, path: string, value: GridValue): T {
  const copy = structuredClone(obj) as Record<string, unknown>
  const keys = path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '')
  let node: Record<string, unknown> | unknown[] = copy
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i] as string
    const next = (node as Record<string, unknown>)[k]
    if (next === undefined || next === null || typeof next !== 'object') {
      ;(node as Record<string, unknown>)[k] = {}
    }
    node = (node as Record<string, unknown>)[k] as Record<string, unknown>
  }
  ;(node as Record<string, unknown>)[keys[keys.length - 1] as string] = value
  return copy as T
}

export interface Cell {
  /** position in the grid, row-major over the axes */
  index: number
  /** `oversell.buffer=2;warehouse.picksPerHour=4000` (or `base` for an empty grid) */
  id: string
  params: Record<string, GridValue>
  scenario: Scenario
}

/** Every combination of the axes applied to `base`, validated (errors name the field and `--grid`). */
export function expandGrid(base: Scenario, axes: GridAxis[]): Cell[] {
  let combos: Array<Record<string, GridValue>> = [{}]
  for (const axis of axes) {
    const next: Array<Record<string, GridValue>> = []
    for (const c of combos) for (const v of axis.values) next.push({ ...c, [axis.path]: v })
    combos = next
  }
  return combos.map((params, index) => {
    let s: Scenario = base
    for (const [p, v] of Object.entries(params)) s = setPath(s, p, v)
    const id =
      Object.keys(params).length === 0
        ? 'base'
        : Object.entries(params)
            .map(([k, v]) => `${k}=${v}`)
            .join(';')
    let scenario: Scenario
    try {
      scenario = validateScenario(s, `--grid ${id}`)
    } catch (err) {
      throw new SimError('SIM_ERR_GRID', (err as Error).message)
    }
    return { index, id, params, scenario }
  })
}
