/**
 * The compressed simulated clock: sim = simAtAnchor + (wall − wallAnchor) × rate. The platform owns
 * one and moves it (`set`, `advance`); the merchant keeps one that follows the platform's readings
 * (`update`). Every change re-anchors so simulated time never jumps by accident, and listeners (the
 * deadline scheduler) re-arm on each change.
 */

/** Wall time source in epoch ms (`Date.now`, or a fake in tests). */
export type WallSource = () => number

/** What the scheduler and the services need of a simulated clock. */
export interface SimClockLike {
  now(): number
  readonly rate: number
  onChange(fn: () => void): void
}

/** One reading of a simulated clock, as `GET /admin/clock` reports it. */
export interface ClockReading {
  simTimeMs: number
  rate: number
}

/** A reading this far (simulated ms) from the extrapolation counts as a jump for {@link SimClock.update}. */
const JUMP_TOLERANCE_MS = 1000

export class SimClock implements SimClockLike {
  private simAtAnchor: number
  private wallAnchor: number
  private rateValue: number
  private readonly listeners: Array<() => void> = []

  constructor(
    start: number,
    rate: number,
    private readonly wall: WallSource = Date.now,
  ) {
    this.simAtAnchor = start
    this.wallAnchor = wall()
    this.rateValue = rate
  }

  /** A clock that starts at a reading of another clock. */
  static fromReading(reading: ClockReading, wall: WallSource = Date.now): SimClock {
    return new SimClock(reading.simTimeMs, reading.rate, wall)
  }

  now(): number {
    return Math.floor(this.simAtAnchor + (this.wall() - this.wallAnchor) * this.rateValue)
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
    this.simAtAnchor = sim
    this.wallAnchor = this.wall()
    if (rate !== undefined) this.rateValue = rate
    this.emit()
  }

  /** Jump the simulated time forward by `ms` (tests, fast-forward). */
  advance(ms: number): void {
    this.simAtAnchor = this.now() + ms
    this.wallAnchor = this.wall()
    this.emit()
  }

  /**
   * Re-anchor on a fresh reading of the clock this one follows, taken at wall time `wallAt`;
   * listeners hear about it only when the rate changed or the time moved noticeably.
   */
  update(reading: ClockReading, wallAt = this.wall()): void {
    const predicted = this.simAtAnchor + (wallAt - this.wallAnchor) * this.rateValue
    const changed =
      reading.rate !== this.rateValue || Math.abs(reading.simTimeMs - predicted) > JUMP_TOLERANCE_MS
    this.simAtAnchor = reading.simTimeMs
    this.wallAnchor = wallAt
    this.rateValue = reading.rate
    if (changed) this.emit()
  }

  onChange(fn: () => void): void {
    this.listeners.push(fn)
  }

  private emit(): void {
    for (const fn of this.listeners) fn()
  }
}
