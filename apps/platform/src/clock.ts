import { PlatformError } from './errors.ts'

/** Parse an ISO instant that states its offset (`2020-11-01T10:00:00+08:00`) to epoch ms. */
export function parseSimInstant(iso: string, field: string): number {
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(iso)) {
    throw new PlatformError('PLAT_ERR_CLOCK', field, `${iso} must carry an offset such as +08:00`)
  }
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw new PlatformError('PLAT_ERR_CLOCK', field, `${iso} is not an ISO instant`)
  return ms
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000

/** Format epoch ms as ISO with +08:00 (Asia/Shanghai has no DST), independent of the host zone. */
export function formatSimInstant(ms: number): string {
  const d = new Date(ms + SHANGHAI_OFFSET_MS)
  return `${d.toISOString().slice(0, 19)}+08:00`
}

export type WallSource = () => number

/**
 * Simulated clock: sim = simAtSet + (wall - wallAtSet) * rate. Every rate change re-anchors so the
 * simulated time never jumps; listeners (the scheduler) re-arm on each change.
 */
export class SimClock {
  private simAtSet: number
  private wallAtSet: number
  private rateValue: number
  private readonly listeners: Array<() => void> = []

  constructor(
    start: number,
    rate: number,
    private readonly wall: WallSource = Date.now,
  ) {
    this.simAtSet = start
    this.wallAtSet = wall()
    this.rateValue = rate
  }

  now(): number {
    return Math.floor(this.simAtSet + (this.wall() - this.wallAtSet) * this.rateValue)
  }

  wallNow(): number {
    return this.wall()
  }

  get rate(): number {
    return this.rateValue
  }

  /** Set start and/or rate. Omitting `start` keeps the current simulated time (a re-anchor). */
  set(start: number | undefined, rate: number | undefined): void {
    const sim = start ?? this.now()
    this.simAtSet = sim
    this.wallAtSet = this.wall()
    if (rate !== undefined) this.rateValue = rate
    this.emit()
  }

  /** Jump the simulated time forward by `ms` (tests, fast-forward). */
  advance(ms: number): void {
    this.simAtSet = this.now() + ms
    this.wallAtSet = this.wall()
    this.emit()
  }

  onChange(fn: () => void): void {
    this.listeners.push(fn)
  }

  private emit(): void {
    for (const fn of this.listeners) fn()
  }
}
