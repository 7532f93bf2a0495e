/**
 * The merchant's view of the platform's simulated clock. The platform owns the clock; the merchant
 * reads `GET /admin/clock` ({ simTimeMs, rate }) and extrapolates locally with a `@d11/time`
 * {@link SimClock}, re-reading every `pollMs` so rate changes and jumps
 * (`POST /admin/clock/advance`) reach the merchant's scheduler within one poll.
 */

import { MerchantError } from '@d11/merchant-model/errors'
import { type ClockReading, SimClock } from '@d11/time/sim-clock'
import { request } from 'undici'

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

/** A {@link SimClock} that follows the platform clock by polling; `stop()` ends the polling. */
export class PlatformClock extends SimClock {
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  private constructor(
    reading: ClockReading,
    private readonly platformUrl: string,
    private readonly pollMs: number,
  ) {
    super(reading.simTimeMs, reading.rate)
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
