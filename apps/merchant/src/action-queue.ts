/**
 * Actions the merchant takes at simulated instants (pickups, trace updates, replies, decisions).
 * The platform's deadline scheduler does the work — one binary min-heap keyed on simulated time and
 * one wall timer re-armed whenever the clock's rate or time changes — driven here by the
 * merchant's own view of the platform clock. Due actions start in (at, seq) order.
 */
import { Scheduler } from '@d11/time/scheduler'
import type { SimClockLike } from '@d11/time/sim-clock'

export class ActionQueue {
  private readonly scheduler: Scheduler
  private closed = false

  /** The simulated clock the actions are timed by (the merchant's view of the platform clock). */
  constructor(readonly clock: SimClockLike) {
    this.scheduler = new Scheduler(clock, (err) =>
      process.stderr.write(`merchant action failed: ${(err as Error).stack ?? String(err)}\n`),
    )
  }

  get size(): number {
    return this.scheduler.size
  }

  /** Run `run` once the simulated time reaches `at` (at once when it already has). Infinity: never. */
  at(at: number, run: () => void): void {
    if (!Number.isFinite(at) || this.closed) return
    this.scheduler.at(at, 'merchant-action', () => run())
  }

  runDue(): void {
    if (!this.closed) this.scheduler.runDue()
  }

  close(): void {
    this.closed = true
    this.scheduler.close()
  }
}
