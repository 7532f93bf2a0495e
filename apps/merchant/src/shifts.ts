/**
 * Capacity over simulated time: a day of shifts, each with a rate, repeated every natural day in
 * Asia/Shanghai. `finish(t, units)` answers when `units` of work started at `t` are done, so FIFO
 * queues (warehouse, after-sale desk) compute completion times in O(shifts) per item and backlogs
 * grow at the spike and drain afterwards without any timer.
 */
import { DAY_MS, SHANGHAI_OFFSET_MS } from '@d11/rules/time'
import { shiftIntervals } from './profile.ts'

const MIN_MS = 60_000

export interface RatedShift {
  from: string
  to: string
  /** units per simulated hour (or head count for agents) */
  rate: number
}

/** One day as contiguous segments `[startMin, endMin, rate]` covering [0, 1440). */
export class ShiftCalendar {
  private readonly segments: Array<[number, number, number]> = []
  readonly dailyCapacity: number

  constructor(shifts: RatedShift[]) {
    const spans: Array<[number, number, number]> = []
    for (const s of shifts) for (const [a, b] of shiftIntervals(s)) spans.push([a, b, s.rate])
    spans.sort((x, y) => x[0] - y[0])
    let cursor = 0
    for (const [a, b, r] of spans) {
      if (a > cursor) this.segments.push([cursor, a, 0])
      this.segments.push([a, b, r])
      cursor = b
    }
    if (cursor < 1440) this.segments.push([cursor, 1440, 0])
    this.dailyCapacity = this.segments.reduce((acc, [a, b, r]) => acc + ((b - a) / 60) * r, 0)
  }

  /** Rate in force at simulated instant `t`. */
  rateAt(t: number): number {
    return this.segmentAt(t)[2]
  }

  /** End (epoch ms) of the segment containing `t`, and its rate. */
  private segmentAt(t: number): [number, number, number] {
    const local = (((t + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS
    const minute = local / MIN_MS
    for (const seg of this.segments) if (minute < seg[1]) return seg
    return this.segments[this.segments.length - 1]!
  }

  private segmentEnd(t: number): number {
    const dayStart = t - ((((t + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS)
    return dayStart + this.segmentAt(t)[1] * MIN_MS
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
      const cap = (rate * (end - at)) / 3_600_000
      if (rate > 0 && cap >= left) return at + Math.ceil((left / rate) * 3_600_000)
      left -= cap
      at = end
    }
  }
}

/** Next instant ≥ `t` whose Asia/Shanghai clock time is one of `times` (`HH:MM`). */
export function nextWave(t: number, times: string[]): number {
  const local = (((t + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS
  const dayStart = t - local
  let best = Number.POSITIVE_INFINITY
  for (const hhmm of times) {
    const [h, m] = hhmm.split(':')
    const off = (Number(h) * 60 + Number(m)) * MIN_MS
    const at = off >= local ? dayStart + off : dayStart + DAY_MS + off
    if (at < best) best = at
  }
  return best
}
