/**
 * Asia/Shanghai time helpers for the curve. Shanghai has a fixed UTC+8 offset (no DST since 1991),
 * so arithmetic never needs the host zone.
 */

export const MINUTE_MS = 60_000
export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000
export const SHANGHAI_OFFSET_MS = 8 * HOUR_MS

const LOCAL =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/

/**
 * Parses `2022-11-10T23:50`, `2022-11-10`, or a full ISO string with offset. A time without an
 * offset is Asia/Shanghai. Returns `undefined` when the text is not such a time.
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
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined
  const ms = Number(frac.padEnd(3, '0'))
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms)
  if (zone === undefined) return utc - SHANGHAI_OFFSET_MS
  if (zone === 'Z') return utc
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * MINUTE_MS
  return utc - sign * offset
}

/** `YYYY-MM-DDT` per Shanghai day number: rows with scattered dates (buyers, after-sales) hit it too. */
const dayText = new Map<number, string>()
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`)

/** `2022-11-11T00:00:00.000+08:00` for an epoch-ms instant (hot path of the generator: the day part is cached). */
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

/** The Asia/Shanghai natural day `YYYY-MM-DD` of an instant. */
export function shanghaiDay(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/** Hour of day (fractional, 0 ≤ h < 24) in Asia/Shanghai. */
export function shanghaiHour(ms: number): number {
  const inDay = (((ms + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS
  return inDay / HOUR_MS
}
