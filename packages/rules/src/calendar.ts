import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseIsoWithOffset } from '@d11/time/shanghai'
import Type from 'typebox'
import { checkSchema, configError, RULESETS_DIR, readDataFile } from './data-file.ts'
import { RulesError } from './errors.ts'

/**
 * CAL-1 / CAL-2: Double 11 calendars as data (`rulesets/calendars/<id>.yaml`).
 * All instants are epoch ms; every window is half-open: `opens`/`from` inclusive, `closes`/`to`
 * exclusive.
 */

/** A half-open window `[opens, closes)` in epoch ms. */
export interface Window {
  opens: number
  closes: number
}

/** Ids of the shipped calendars (`rulesets/calendars/<id>.yaml`); `listCalendars()` reads the folder. */
export const CALENDAR_IDS = ['2020', '2022', '2024'] as const
export type CalendarId = (typeof CALENDAR_IDS)[number]

/** `true` when `id` names a shipped calendar. */
export function isCalendarId(id: string): id is CalendarId {
  return (CALENDAR_IDS as readonly string[]).includes(id)
}

export type RegistrationNode = 'wave1Presale' | 'wave1Spot' | 'wave2Presale' | 'wave2Spot'
export const REGISTRATION_NODES: readonly RegistrationNode[] = [
  'wave1Presale',
  'wave1Spot',
  'wave2Presale',
  'wave2Spot',
]

export interface Wave {
  presale: { opens: number; finalPaymentOpens: number; finalPaymentCloses: number }
  spot: Window
}

export type LaunchKind = 'presale-open' | 'final-payment-open' | 'spot-open'

export interface LaunchMoment {
  /** e.g. `wave1-presale-open` */
  id: string
  at: number
  kind: LaunchKind
  wave: 1 | 2
}

export interface Calendar {
  id: string
  timezone: 'Asia/Shanghai'
  /** REG-1: the overall window and one window per node. */
  registration: Window & { nodes: Record<RegistrationNode, Window> }
  /** CAL-1: two waves, each with a presale (deposit then final payment) and a spot phase. */
  waves: [Wave, Wave]
  /** PAY-2 / SHIP-4: `[from, to)` in which nothing is paid automatically and delay reports are offline. */
  noAutoCompensationWindow: { from: number; to: number }
  afterSale: { from: number; to: number }
  /** CAL-3: presale open, final-payment open and spot open of each wave, sorted by time. */
  launchMoments: LaunchMoment[]
  /** Field paths (e.g. `waves[0].presale.opens`) whose values the sources do not give. */
  defaults: string[]
}

const Iso = Type.String({ minLength: 1 })
const WindowSchema = Type.Object({ opens: Iso, closes: Iso }, { additionalProperties: false })
const FromTo = Type.Object({ from: Iso, to: Iso }, { additionalProperties: false })

/** TypeBox schema of a calendar file. */
export const CalendarFileSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    timezone: Type.Literal('Asia/Shanghai'),
    registration: Type.Object(
      {
        opens: Iso,
        closes: Iso,
        nodes: Type.Object(
          {
            wave1Presale: WindowSchema,
            wave1Spot: WindowSchema,
            wave2Presale: WindowSchema,
            wave2Spot: WindowSchema,
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    waves: Type.Array(
      Type.Object(
        {
          presale: Type.Object(
            { opens: Iso, finalPaymentOpens: Iso, finalPaymentCloses: Iso },
            { additionalProperties: false },
          ),
          spot: WindowSchema,
        },
        { additionalProperties: false },
      ),
      { minItems: 2, maxItems: 2 },
    ),
    noAutoCompensationWindow: FromTo,
    afterSale: FromTo,
    defaults: Type.Array(Type.String()),
  },
  { additionalProperties: false },
)

type Raw = Record<string, unknown>

function ruleForCalendarField(field: string): string {
  if (field.startsWith('registration')) return 'REG-1'
  if (field.startsWith('noAutoCompensationWindow')) return 'PAY-2'
  if (field.startsWith('waves')) return 'CAL-1'
  return 'CAL-2'
}

/** Loads and validates one calendar file; errors name the file, the field and the rule. */
export function loadCalendarFile(file: string): Calendar {
  const raw = readDataFile(file, 'CAL-2')
  checkSchema(CalendarFileSchema, raw, file, ruleForCalendarField)
  const data = raw as Raw
  const t = (path: string): number => {
    let cur: unknown = data
    for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.')) cur = (cur as Raw)[part]
    const ms = parseIsoWithOffset(cur as string)
    if (ms === undefined) {
      throw configError(
        file,
        path,
        `unparseable date ${JSON.stringify(cur)}: write an ISO date-time with offset, e.g. 2022-10-24T20:00:00+08:00`,
        ruleForCalendarField(path),
      )
    }
    return ms
  }
  const win = (path: string, a = 'opens', b = 'closes'): Window => {
    const opens = t(`${path}.${a}`)
    const closes = t(`${path}.${b}`)
    if (!(opens < closes))
      throw configError(file, path, `${a} must be before ${b}`, ruleForCalendarField(path))
    return { opens, closes }
  }
  const reg = win('registration')
  const nodes = {} as Record<RegistrationNode, Window>
  for (const node of REGISTRATION_NODES) {
    const w = win(`registration.nodes.${node}`)
    if (w.opens < reg.opens || w.closes > reg.closes) {
      throw configError(
        file,
        `registration.nodes.${node}`,
        'node window lies outside the registration window',
        'REG-1',
      )
    }
    nodes[node] = w
  }
  const waves = [0, 1].map((i): Wave => {
    const p = `waves[${i}].presale`
    const opens = t(`${p}.opens`)
    const finalPaymentOpens = t(`${p}.finalPaymentOpens`)
    const finalPaymentCloses = t(`${p}.finalPaymentCloses`)
    if (!(opens < finalPaymentOpens && finalPaymentOpens < finalPaymentCloses)) {
      throw configError(file, p, 'needs opens < finalPaymentOpens < finalPaymentCloses', 'CAL-1')
    }
    return { presale: { opens, finalPaymentOpens, finalPaymentCloses }, spot: win(`waves[${i}].spot`) }
  }) as [Wave, Wave]
  if (!(waves[0].spot.opens < waves[1].spot.opens)) {
    throw configError(file, 'waves[1].spot.opens', 'wave 2 must open after wave 1', 'CAL-1')
  }
  const nac = win('noAutoCompensationWindow', 'from', 'to')
  const after = win('afterSale', 'from', 'to')
  const defaults = data.defaults as string[]
  defaults.forEach((path, i) => {
    let cur: unknown = data
    for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
      cur = cur !== null && typeof cur === 'object' ? (cur as Raw)[part] : undefined
    }
    if (cur === undefined) throw configError(file, `defaults[${i}]`, `names no field: "${path}"`, 'CAL-2')
  })
  const launchMoments: LaunchMoment[] = waves.flatMap((w, i) => {
    const wave = (i + 1) as 1 | 2
    return [
      { id: `wave${wave}-presale-open`, at: w.presale.opens, kind: 'presale-open' as const, wave },
      {
        id: `wave${wave}-final-payment-open`,
        at: w.presale.finalPaymentOpens,
        kind: 'final-payment-open' as const,
        wave,
      },
      { id: `wave${wave}-spot-open`, at: w.spot.opens, kind: 'spot-open' as const, wave },
    ]
  })
  launchMoments.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id))
  return {
    id: data.id as string,
    timezone: 'Asia/Shanghai',
    registration: { ...reg, nodes },
    waves,
    noAutoCompensationWindow: { from: nac.opens, to: nac.closes },
    afterSale: { from: after.opens, to: after.closes },
    launchMoments,
    defaults: [...defaults],
  }
}

const CALENDAR_DIR = resolve(RULESETS_DIR, 'calendars')
const cache = new Map<string, Calendar>()

/** Ids of the shipped calendars, sorted (`['2020', '2022', '2024']`). */
export function listCalendars(): string[] {
  return readdirSync(CALENDAR_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort()
}

/** Returns a shipped calendar by id; throws a {@link RulesError} (CAL-2) for an unknown id. */
export function getCalendar(id: string): Calendar {
  const hit = cache.get(id)
  if (hit) return hit
  const ids = listCalendars()
  if (!ids.includes(id)) {
    throw new RulesError(`unknown calendar "${id}": known calendars are ${ids.join(', ')} (CAL-2)`, {
      ruleId: 'CAL-2',
      field: 'id',
    })
  }
  const cal = loadCalendarFile(resolve(CALENDAR_DIR, `${id}.yaml`))
  if (cal.id !== id) {
    throw configError(resolve(CALENDAR_DIR, `${id}.yaml`), 'id', `must equal the file name "${id}"`, 'CAL-2')
  }
  cache.set(id, cal)
  return cal
}

/**
 * SHIP-1: the wave (1 or 2) whose orders are paid at `paidAt`, 0 outside both. A wave's payments
 * run from its first payment moment (spot open or final-payment open, whichever is earlier) to its
 * last (spot close or final-payment close, whichever is later), half-open. 2020: wave 1 = Nov 1–3.
 * No allocation: the simulator asks once per order.
 */
export function paymentWave(cal: Pick<Calendar, 'waves'>, paidAt: number): 0 | 1 | 2 {
  for (let i = 1; i >= 0; i--) {
    const w = cal.waves[i]!
    const from = Math.min(w.spot.opens, w.presale.finalPaymentOpens)
    const to = Math.max(w.spot.closes, w.presale.finalPaymentCloses)
    if (paidAt >= from && paidAt < to) return (i + 1) as 1 | 2
  }
  return 0
}

/** Which wave (1 or 2) and phase an instant falls in, or `undefined` outside both waves. */
export function phaseAt(cal: Calendar, at: number): Phase | undefined {
  for (let i = 1; i >= 0; i--) {
    const w = cal.waves[i]!
    const phases = PHASES[i]!
    if (at >= w.spot.opens && at < w.spot.closes) return phases.spot
    if (at >= w.presale.finalPaymentOpens && at < w.presale.finalPaymentCloses) return phases.finalPayment
    if (at >= w.presale.opens && at < w.presale.finalPaymentOpens) return phases.presale
  }
  return undefined
}

/** What {@link phaseAt} answers. */
export type Phase = Readonly<{ wave: 1 | 2; phase: 'presale' | 'final-payment' | 'spot' }>

/**
 * The six possible answers of {@link phaseAt}, built once: the generator asks for tens of
 * millions of order times, and an object per call was measurable garbage.
 */
const PHASES = ([1, 2] as const).map((wave) => ({
  presale: Object.freeze({ wave, phase: 'presale' as const }),
  finalPayment: Object.freeze({ wave, phase: 'final-payment' as const }),
  spot: Object.freeze({ wave, phase: 'spot' as const }),
}))

/**
 * CAL-3: whether a launch moment's burst is under way at `at` (a moment `m` with
 * `m.at <= at < m.at + decayMinutes`), answered without allocating: the generator asks for each
 * of millions of consultations.
 */
export function inLaunchBurst(at: number, cal: Pick<Calendar, 'launchMoments'>, decayMinutes = 60): boolean {
  const decay = decayMinutes * 60_000
  for (const m of cal.launchMoments) if (m.at <= at && at < m.at + decay) return true
  return false
}
