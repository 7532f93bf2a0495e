/**
 * Warehouse and desk capacity over simulated time, computed one way for every engine: a day of
 * shifts, each with a rate, repeated every natural day in Asia/Shanghai. {@link shiftSegments} is
 * the one computation; the reference merchant's FIFO queues ({@link ShiftCalendar}), the
 * simulator's working-time clock ({@link workingTime}) and the twin's profile mapping
 * ({@link dailyCapacity}) all read it.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, SHANGHAI_OFFSET_MS, shanghaiTimeOfDay } from '@d11/time/shanghai'

const DAY_MINUTES = 1440

/** Minutes since 00:00 of `HH:MM` (`24:00` is 1440). */
export function clockMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':')
  return Number(h) * 60 + Number(m)
}

/** A shift as one or two half-open minute intervals within [0, 1440) (`from` > `to` crosses midnight). */
export function shiftIntervals(s: { from: string; to: string }): Array<[number, number]> {
  const a = clockMinutes(s.from)
  const b = clockMinutes(s.to)
  if (a === b) return a === 0 || b === DAY_MINUTES ? [[0, DAY_MINUTES]] : []
  return a < b
    ? [[a, b]]
    : [
        ...(a < DAY_MINUTES ? [[a, DAY_MINUTES] as [number, number]] : []),
        ...(b > 0 ? [[0, b] as [number, number]] : []),
      ]
}

export interface RatedShift {
  from: string
  to: string
  /** units per simulated hour (or head count for agents) */
  rate: number
}

/** A warehouse's shifts, each at its own `picksPerHour` or the warehouse's. */
export function warehouseShifts(w: {
  picksPerHour: number
  shifts: ReadonlyArray<{ from: string; to: string; picksPerHour?: number | undefined }>
}): RatedShift[] {
  return w.shifts.map((s) => ({ from: s.from, to: s.to, rate: s.picksPerHour ?? w.picksPerHour }))
}

/** `[startMinute, endMinute, rate]` of one stretch of the day. */
export type Segment = [number, number, number]

/**
 * The capacity of a day: contiguous segments covering [0, 1440) with the rate in force, 0 off
 * shift. Shifts must not overlap (profiles and scenarios are validated for it).
 */
export function shiftSegments(shifts: readonly RatedShift[]): Segment[] {
  const spans: Segment[] = []
  for (const s of shifts) for (const [a, b] of shiftIntervals(s)) spans.push([a, b, s.rate])
  spans.sort((x, y) => x[0] - y[0])
  const segments: Segment[] = []
  let cursor = 0
  for (const [a, b, r] of spans) {
    if (a > cursor) segments.push([cursor, a, 0])
    segments.push([a, b, r])
    cursor = b
  }
  if (cursor < DAY_MINUTES) segments.push([cursor, DAY_MINUTES, 0])
  return segments
}

/** Units a day of these segments works through (rate × hours, summed). */
export function dailyCapacity(segments: readonly Segment[]): number {
  return segments.reduce((acc, [a, b, r]) => acc + ((b - a) / 60) * r, 0)
}

/** One day of segments, repeated: `finish(t, units)` answers when work begun at `t` is done. */
export class ShiftCalendar {
  private readonly segments: Segment[]
  readonly dailyCapacity: number

  constructor(shifts: readonly RatedShift[]) {
    this.segments = shiftSegments(shifts)
    this.dailyCapacity = dailyCapacity(this.segments)
  }

  /** Rate in force at simulated instant `t`. */
  rateAt(t: number): number {
    return this.segmentAt(t)[2]
  }

  private segmentAt(t: number): Segment {
    const minute = shanghaiTimeOfDay(t) / MINUTE_MS
    for (const seg of this.segments) if (minute < seg[1]) return seg
    return this.segments[this.segments.length - 1]!
  }

  private segmentEnd(t: number): number {
    return t - shanghaiTimeOfDay(t) + this.segmentAt(t)[1] * MINUTE_MS
  }

  /** Earliest instant ≥ `t` at which the rate is at least `min` (Infinity when never). */
  nextAtLeast(t: number, min: number): number {
    for (let i = 0, at = t; i <= this.segments.length + 1; i++) {
      if (this.rateAt(at) >= min) return at
      at = this.segmentEnd(at)
    }
    return Number.POSITIVE_INFINITY
  }

  /** When `units` of work begun at `t` are done at the scheduled rates (Infinity with no capacity). */
  finish(t: number, units: number): number {
    if (this.dailyCapacity <= 0) return Number.POSITIVE_INFINITY
    let at = t
    let left = units
    const wholeDays = Math.floor(left / this.dailyCapacity)
    if (wholeDays > 1) {
      at += (wholeDays - 1) * DAY_MS
      left -= (wholeDays - 1) * this.dailyCapacity
    }
    for (;;) {
      const rate = this.rateAt(at)
      const end = this.segmentEnd(at)
      const cap = (rate * (end - at)) / HOUR_MS
      if (rate > 0 && cap >= left) return at + Math.ceil((left / rate) * HOUR_MS)
      left -= cap
      at = end
    }
  }
}

/**
 * Working time and its inverse, for a FIFO server with a fixed service time at `baseRate`:
 * minutes of shift since the epoch's Shanghai day 0, each minute weighted by its rate relative to
 * `baseRate` (0 off shift), so a fixed service time in working minutes is 1/rate of the shift in
 * force. O(1) forward, O(log 1440) back: cheap enough for the simulator's hot loop.
 */
export function workingTime(
  shifts: readonly RatedShift[],
  baseRate: number,
): { at(t: number): number; inverse(w: number): number } {
  const weight = new Float64Array(DAY_MINUTES)
  for (const [a, b, rate] of shiftSegments(shifts)) {
    const w = baseRate > 0 ? rate / baseRate : 0
    for (let m = a; m < b; m++) weight[m] = w
  }
  const cum = new Float64Array(DAY_MINUTES + 1)
  for (let m = 0; m < DAY_MINUTES; m++) cum[m + 1] = cum[m]! + weight[m]!
  const perDay = cum[DAY_MINUTES]!
  return {
    at(t: number): number {
      const shifted = t + SHANGHAI_OFFSET_MS
      const day = Math.floor(shifted / DAY_MS)
      const x = (shifted - day * DAY_MS) / MINUTE_MS
      const m = Math.floor(x)
      return day * perDay + cum[m]! + weight[m]! * (x - m)
    },
    inverse(w: number): number {
      if (perDay === 0 || !Number.isFinite(w)) return Number.POSITIVE_INFINITY
      let day = Math.floor(w / perDay)
      let r = w - day * perDay
      if (r <= 0) {
        // the end of the previous day's last working minute
        day--
        r = perDay
      }
      // smallest working minute m with cum[m + 1] >= r
      let lo = 0
      let hi = DAY_MINUTES - 1
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (cum[mid + 1]! >= r) hi = mid
        else lo = mid + 1
      }
      while (lo < DAY_MINUTES && !(weight[lo]! > 0)) lo++
      if (lo >= DAY_MINUTES) {
        day++
        lo = 0
        while (lo < DAY_MINUTES && !(weight[lo]! > 0)) lo++
      }
      return day * DAY_MS - SHANGHAI_OFFSET_MS + (lo + (r - cum[lo]!) / weight[lo]!) * MINUTE_MS
    },
  }
}

/** Next instant ≥ `t` whose Asia/Shanghai clock time is one of `times` (`HH:MM`). */
export function nextWave(t: number, times: readonly string[]): number {
  const local = shanghaiTimeOfDay(t)
  const dayStart = t - local
  let best = Number.POSITIVE_INFINITY
  for (const hhmm of times) {
    const off = clockMinutes(hhmm) * MINUTE_MS
    const at = off >= local ? dayStart + off : dayStart + DAY_MS + off
    if (at < best) best = at
  }
  return best
}
