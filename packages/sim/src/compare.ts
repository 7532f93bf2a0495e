import type { PayoutCause } from '@d11/order-flow/payout-amounts'
import type { CellResult } from './engine.ts'

/**
 * "One scenario, two engines": a live run (platform + merchant services, `./twin-live`) fills the
 * same {@link CellResult} fields from its evidence (`sla_verdicts` pickup_48h → `late`, `payouts` by
 * cause → `payouts`), so the comparison is this diff.
 */
export interface EngineDiff {
  late: Record<'oversell' | 'capacity' | 'total', { sim: number; live: number; delta: number; rel: number }>
  payouts: Record<PayoutCause | 'total', { simFen: number; liveFen: number; deltaFen: number; rel: number }>
}

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(b - a) / Math.max(Math.abs(a), Math.abs(b)))

export function diffResults(
  sim: Pick<CellResult, 'late' | 'payouts'>,
  live: Pick<CellResult, 'late' | 'payouts'>,
): EngineDiff {
  const late = {} as EngineDiff['late']
  for (const k of ['oversell', 'capacity', 'total'] as const) {
    late[k] = {
      sim: sim.late[k],
      live: live.late[k],
      delta: live.late[k] - sim.late[k],
      rel: rel(sim.late[k], live.late[k]),
    }
  }
  const payouts = {} as EngineDiff['payouts']
  for (const k of ['late_shipment', 'oversell', 'price_protection'] as const) {
    const a = sim.payouts[k].amountFen
    const b = live.payouts[k].amountFen
    payouts[k] = { simFen: a, liveFen: b, deltaFen: b - a, rel: rel(a, b) }
  }
  const a = sim.payouts.totalFen
  const b = live.payouts.totalFen
  payouts.total = { simFen: a, liveFen: b, deltaFen: b - a, rel: rel(a, b) }
  return { late, payouts }
}

/** True when every per-cause late count and payout agrees within `tolerance` (relative). */
export function agrees(d: EngineDiff, tolerance: number): boolean {
  return (
    Object.values(d.late).every((x) => x.rel <= tolerance) &&
    Object.values(d.payouts).every((x) => x.rel <= tolerance)
  )
}
