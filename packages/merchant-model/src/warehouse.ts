/**
 * The merchant's FIFO capacity queues over {@link ShiftCalendar}: the warehouse (pick and pack at
 * the shift rates, then the next carrier wave, then the first trace update) and the after-sale
 * desks. Pure and synchronous, in simulated epoch ms.
 */
import { MINUTE_MS } from '@d11/time/shanghai'
import { nextWave, ShiftCalendar, warehouseShifts } from './capacity.ts'
import type { Profile } from './profile.ts'

export interface ShipPlan {
  kind: 'ship'
  /** picked and packed */
  packedAt: number
  /** carrier pickup (SHIP-1) */
  pickupAt: number
  /** first logistics trace update (SHIP-2) */
  traceAt: number
}

/** Warehouse: FIFO pick/pack at the shift rates, then the next carrier wave, then the trace update. */
export class Warehouse {
  private readonly cal: ShiftCalendar
  private lastPacked = Number.NEGATIVE_INFINITY
  constructor(private readonly p: Profile['warehouse']) {
    this.cal = new ShiftCalendar(warehouseShifts(p))
  }

  plan(paidAt: number): ShipPlan {
    const start = Math.max(paidAt, this.lastPacked)
    const packedAt = this.cal.finish(start, 1)
    this.lastPacked = packedAt
    const pickupAt = Number.isFinite(packedAt) ? nextWave(packedAt, this.p.carrierWaves) : packedAt
    return { kind: 'ship', packedAt, pickupAt, traceAt: pickupAt + this.p.traceDelayMinutes * MINUTE_MS }
  }
}

/** A FIFO desk (refunds, complaints) working `perHour` items per simulated hour on its shifts. */
export class Desk {
  private readonly cal: ShiftCalendar
  private last = Number.NEGATIVE_INFINITY
  constructor(perHour: number, shifts: ReadonlyArray<{ from: string; to: string }>) {
    this.cal = new ShiftCalendar(shifts.map((s) => ({ ...s, rate: perHour })))
  }

  /** When an item arriving at `t` is decided (Infinity when the desk has no capacity). */
  plan(t: number): number {
    const done = this.cal.finish(Math.max(t, this.last), 1)
    this.last = done
    return done
  }
}
