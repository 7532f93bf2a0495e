/**
 * Simulated-time helpers. Simulated time is epoch milliseconds; at the edges it is an ISO string
 * with an explicit offset (`+08:00`). Asia/Shanghai has had a fixed UTC+8 offset without daylight
 * saving since 1991, so calendar-day arithmetic uses that offset and never the host time zone.
 */

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
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (day > daysInMonth) return undefined
  const ms = Date.parse(iso)
  return Number.isFinite(ms) ? ms : undefined
}

/** Like {@link parseIsoWithOffset} but throws a plain `Error` naming the value. */
export function simTime(iso: string): number {
  const ms = parseIsoWithOffset(iso)
  if (ms === undefined) throw new Error(`not an ISO date-time with offset: "${iso}"`)
  return ms
}

/** Formats epoch ms as an ISO string in Asia/Shanghai, e.g. `2022-11-11T00:00:00.000+08:00`. */
export function toShanghaiIso(ms: number): string {
  return `${new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 23)}+08:00`
}

/** The Asia/Shanghai natural day of an instant as `YYYY-MM-DD`. */
export function shanghaiDay(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/** Epoch ms of 00:00 Asia/Shanghai of the natural day containing `ms`. */
export function shanghaiDayStart(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS
}
