/**
 * Asia/Shanghai time, the one module for it. Simulated time is epoch milliseconds; at the edges it
 * is an ISO string with an explicit offset (`+08:00`). Shanghai has had a fixed UTC+8 offset without
 * daylight saving since 1991, so calendar-day arithmetic adds that offset and never reads the host
 * time zone.
 */

export const MINUTE_MS = 60_000
export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000
/** Asia/Shanghai offset from UTC in milliseconds. */
export const SHANGHAI_OFFSET_MS = 8 * HOUR_MS

const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})$/

/**
 * Parses an ISO-8601 date-time that carries an explicit offset (`2022-10-24T20:00:00+08:00`).
 * Returns `undefined` for anything else, including impossible dates such as Feb 30 and strings
 * without an offset (which would otherwise depend on the host zone).
 */
export function parseIsoWithOffset(iso: string): number | undefined {
  const m = ISO_WITH_OFFSET.exec(iso)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = s === undefined ? 0 : Number(s)
  if (month < 1 || month > 12 || day < 1 || hour > 24 || minute > 59 || second > 59) return undefined
  if (hour === 24 && (minute !== 0 || second !== 0)) return undefined
  if (day > daysInMonth(year, month)) return undefined
  const ms = Date.parse(iso)
  return Number.isFinite(ms) ? ms : undefined
}

/** Like {@link parseIsoWithOffset} but throws a plain `Error` naming the value. */
export function simTime(iso: string): number {
  const ms = parseIsoWithOffset(iso)
  if (ms === undefined) throw new Error(`not an ISO date-time with offset: "${iso}"`)
  return ms
}

const LOCAL =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/

/**
 * Parses `2022-11-10T23:50`, `2022-11-10`, or a full ISO string with offset. A time without an
 * offset is Asia/Shanghai (what a planner types). Returns `undefined` when the text is not such a time.
 */
export function parseShanghaiTime(text: string): number | undefined {
  const m = LOCAL.exec(text.trim())
  if (!m) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined
  if (day > daysInMonth(year, month)) return undefined
  const ms = Number(frac.padEnd(3, '0'))
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms)
  if (zone === undefined) return utc - SHANGHAI_OFFSET_MS
  if (zone === 'Z') return utc
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * MINUTE_MS
  return utc - sign * offset
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** `YYYY-MM-DDT` per Shanghai day number: rows with scattered dates (buyers, after-sales) hit it too. */
const dayText = new Map<number, string>()
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`)

/**
 * `2022-11-11T00:00:00.000+08:00` for an epoch-ms instant. Formatting is a hot path (the generator,
 * the platform's views), so the day part is cached and the time of day is written by hand.
 */
export function toShanghaiIso(ms: number): string {
  const local = Math.floor(ms) + SHANGHAI_OFFSET_MS
  const day = Math.floor(local / DAY_MS)
  let text = dayText.get(day)
  if (text === undefined) {
    if (dayText.size >= 100_000) dayText.clear()
    text = new Date(day * DAY_MS).toISOString().slice(0, 11)
    dayText.set(day, text)
  }
  let rem = local - day * DAY_MS
  const h = Math.floor(rem / HOUR_MS)
  rem -= h * HOUR_MS
  const m = Math.floor(rem / MINUTE_MS)
  rem -= m * MINUTE_MS
  const s = Math.floor(rem / 1000)
  const milli = rem - s * 1000
  const msText = milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : `${milli}`
  return `${text}${pad2(h)}:${pad2(m)}:${pad2(s)}.${msText}+08:00`
}

/** `2020-11-01T10:00:00+08:00`: {@link toShanghaiIso} without milliseconds (the platform's API). */
export function toShanghaiIsoSeconds(ms: number): string {
  const iso = toShanghaiIso(ms)
  return `${iso.slice(0, 19)}+08:00`
}

/** The Asia/Shanghai natural day of an instant as `YYYY-MM-DD`. */
export function shanghaiDay(ms: number): string {
  return toShanghaiIso(ms).slice(0, 10)
}

/** Milliseconds since 00:00 Asia/Shanghai of the natural day containing `ms`, in [0, DAY_MS). */
export function shanghaiTimeOfDay(ms: number): number {
  return (((ms + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS
}

/** Epoch ms of 00:00 Asia/Shanghai of the natural day containing `ms`. */
export function shanghaiDayStart(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS
}

/** Hour of day (fractional, 0 ≤ h < 24) in Asia/Shanghai. */
export function shanghaiHour(ms: number): number {
  return shanghaiTimeOfDay(ms) / HOUR_MS
}
