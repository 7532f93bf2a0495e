/**
 * The merchant's view of the platform's simulated clock. The platform owns the clock; the merchant
 * reads `GET /admin/clock` ({ simTimeMs, rate }) and extrapolates locally from
 * { simAtAnchor, rate, wallAnchor }, re-reading every `pollMs` so rate changes and jumps
 * (`POST /admin/clock/advance`) reach the merchant's scheduler within one poll.
 */
import { request } from 'undici'
import { MerchantError } from './errors.ts'

export interface ClockReading {
  simTimeMs: number
  rate: number
}

/** A simulated clock: `now()` in epoch ms, `rate` sim ms per wall ms, change notifications. */
export interface SimClockLike {
  now(): number
  readonly rate: number
  onChange(fn: () => void): void
}

/** sim = simAtAnchor + (wall − wallAnchor) × rate */
export class LocalSimClock implements SimClockLike {
  private simAtAnchor: number
  private wallAnchor: number
  private rateValue: number
  private readonly listeners: Array<() => void> = []

  constructor(
    reading: ClockReading,
    private readonly wall: () => number = Date.now,
  ) {
    this.simAtAnchor = reading.simTimeMs
    this.wallAnchor = wall()
    this.rateValue = reading.rate
  }

  now(): number {
    return Math.floor(this.simAtAnchor + (this.wall() - this.wallAnchor) * this.rateValue)
  }

  get rate(): number {
    return this.rateValue
  }

  /** Re-anchor on a fresh reading; listeners hear about it when rate or time moved noticeably. */
  update(reading: ClockReading, wallAt = this.wall()): void {
    const predicted = this.simAtAnchor + (wallAt - this.wallAnchor) * this.rateValue
    const changed = reading.rate !== this.rateValue || Math.abs(reading.simTimeMs - predicted) > 1000
    this.simAtAnchor = reading.simTimeMs
    this.wallAnchor = wallAt
    this.rateValue = reading.rate
    if (changed) for (const fn of this.listeners) fn()
  }

  onChange(fn: () => void): void {
    this.listeners.push(fn)
  }
}

/** Read the platform clock once. */
export async function readPlatformClock(platformUrl: string): Promise<ClockReading> {
  try {
    const res = await request(new URL('/admin/clock', platformUrl), { method: 'GET' })
    const body = (await res.body.json()) as Partial<ClockReading>
    if (res.statusCode !== 200 || typeof body.simTimeMs !== 'number' || typeof body.rate !== 'number') {
      throw new Error(`status ${res.statusCode}`)
    }
    return { simTimeMs: body.simTimeMs, rate: body.rate }
  } catch (err) {
    throw new MerchantError(
      'MERCH_ERR_CLOCK',
      'platformUrl',
      `cannot read ${platformUrl}/admin/clock: ${(err as Error).message}; is the platform running?`,
    )
  }
}

/** A {@link LocalSimClock} that follows the platform clock by polling; `stop()` ends the polling. */
export class PlatformClock extends LocalSimClock {
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  private constructor(
    reading: ClockReading,
    private readonly platformUrl: string,
    private readonly pollMs: number,
  ) {
    super(reading)
  }

  static async connect(platformUrl: string, pollMs = 100): Promise<PlatformClock> {
    const clock = new PlatformClock(await readPlatformClock(platformUrl), platformUrl, pollMs)
    clock.schedule()
    return clock
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = setTimeout(() => void this.poll(), this.pollMs)
    this.timer.unref()
  }

  private async poll(): Promise<void> {
    const sent = Date.now()
    try {
      const r = await readPlatformClock(this.platformUrl)
      // the reading was taken about half-way through the round trip
      this.update(r, sent + (Date.now() - sent) / 2)
    } catch {
      // keep extrapolating; the next poll retries
    }
    this.schedule()
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
  }
}
