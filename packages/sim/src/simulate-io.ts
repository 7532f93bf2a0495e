import type { PayoutCause } from '@d11/order-flow/payout-amounts'
import type { FlowRules } from '@d11/order-flow/rules-context'
import { getCalendar } from '@d11/rules/calendar'
import seedrandom from 'seedrandom'
import type { Arrivals } from './arrivals.ts'
import { SimError } from './errors.ts'

/**
 * What {@link simulate} (./engine.ts) takes and gives: its options (scripted inputs included), the
 * evidence sink, the result of one cell, and the per-order draws every engine run shares.
 */

export type Evidence = 'summary' | 'violations' | 'all'

/** Receives evidence rows as they happen (payouts, violations, mass-delay events). */
export interface EvidenceSink {
  payout(p: {
    orderIndex: number
    sku: string
    cause: PayoutCause
    ruleId: string
    amountFen: number
    simTime: number
  }): void
  verdict(v: {
    orderIndex: number
    ruleId: string
    metric: 'pickup_48h' | 'complaint_48h'
    ok: boolean
    value: number
    threshold: number
    simTime: number
  }): void
  event(e: {
    kind: string
    orderIndex: number
    sku: string
    ruleId: string
    amountFen: number
    simTime: number
  }): void
}

export interface CauseTotals {
  count: number
  amountFen: number
}

/**
 * One simulated cell. Shaped so a live run (platform + merchant services) can fill the same
 * fields from its evidence, and "one scenario, two engines" is a diff of `late` and `payouts`.
 */
export interface CellResult {
  seed: number
  orders: {
    arrived: number
    accepted: number
    /** turned away because the platform showed the SKU sold out */
    rejected: number
    /** accepted beyond physical stock (PAY-3 risk) */
    oversold: number
    shipped: number
    /** judged against the SHIP-1 deadline */
    due: number
    onTime: number
    /** refunded before shipping (PAY-8) */
    refunded: number
    /** oversold and never covered by a restock: refunded and compensated (PAY-3) */
    neverShipped: number
    /** mean hours from payment to carrier pickup over shipped orders */
    meanLeadHours: number
  }
  /** late shipments (SHIP-1) by cause: waiting for stock after an oversell, or warehouse/carrier capacity */
  late: { oversell: number; capacity: number; total: number }
  complaints: { filed: number; handledInTime: number; escalated: number; upheld: number }
  payouts: Record<PayoutCause, CauseTotals> & { totalFen: number }
  sla: {
    /** share of due orders picked up by the deadline (SHIP-1) */
    pickup48hRate: number
    /** share of complaints handled within 48 h (PAY-5) */
    complaint48hRate: number
  }
  /** PAY-6: first moment the merchant crossed the warning / removal threshold, or null */
  massDelay: { warnedAt: number | null; removedAt: number | null }
  /** simulated span [from, to] (epoch ms) and the number of events popped */
  span: { from: number; to: number }
  events: number
}

/** A ship time agreed for one order: negotiated with the buyer (SHIP-3) or a delay report (SHIP-4). */
export interface AgreedShipTime {
  kind: 'negotiated' | 'delay-report'
  /** when it was agreed or reported */
  at: number
  shipBy: number
}

export interface SimulateOptions {
  /** calendar and ruleset versions the decisions use @default scenario.calendar, shipped rulesets */
  rules?: FlowRules
  /** seed of the cell's random streams @default scenario.seed */
  seed?: number
  sink?: EvidenceSink
  /** which per-order rows reach the sink @default 'violations' */
  evidence?: Evidence
  /** arrivals to use instead of drawing them (e.g. from a generated world, see `./world`) */
  arrivals?: Arrivals
  /**
   * Forced per-order draws in [0, 1) instead of {@link orderDraw} (scripted histories): salt 1 is
   * the buyer's action at a late deadline (complain below `complainRate`, refund below
   * `complainRate + refundRate`), salt 2 whether a complaint is founded (below `upheldRate`).
   * `at` is the simulated instant of the draw (the deadline, for salt 1).
   */
  draw?: (orderIndex: number, salt: number, at: number) => number
  /** Forced carrier-pickup time of an order once stock is released (scripted); NaN = the warehouse model. */
  pickupAt?: (orderIndex: number) => number
  /**
   * When each order was placed (拍下), if before its payment: a presale's deposit (scripted). SHIP-1's
   * presale hours count from it. @default the payment instant
   */
  orderedAt?: (orderIndex: number) => number
  /** Ship times agreed per order index (SHIP-3 negotiation or SHIP-4 delay report), scripted. */
  agreed?: ReadonlyMap<number, AgreedShipTime>
  /**
   * Complaints buyers file at given instants (scripted), on top of the draws at late deadlines:
   * founded or not on the facts at filing (PAY-5), whatever the order's state.
   */
  complaints?: ReadonlyArray<{ orderIndex: number; at: number }>
}

/** The calendar and shipped rulesets of a scenario, loaded once per calendar. */
const rulesCache = new Map<string, FlowRules>()
export function scenarioRules(calendarId: string): FlowRules {
  let r = rulesCache.get(calendarId)
  if (!r) {
    try {
      r = { calendar: getCalendar(calendarId) }
    } catch (err) {
      throw new SimError('SIM_ERR_SCENARIO', `calendar: ${(err as Error).message}`)
    }
    rulesCache.set(calendarId, r)
  }
  return r
}

/** Counter-based per-order uniform draw (lowbias32 hash of seed, order, salt): the same order gets the same draw in every cell. */
export function orderDraw(seed: number, i: number, salt: number): number {
  let x = (seed ^ Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b)) >>> 0
  x ^= x >>> 16
  x = Math.imul(x, 0x7feb352d)
  x ^= x >>> 15
  x = Math.imul(x, 0x846ca68b)
  x ^= x >>> 16
  return (x >>> 0) / 4294967296
}

/** Derives a uint32 seed from a base seed and a label with seedrandom. */
export function deriveSeed(seed: number, label: string): number {
  return seedrandom.alea(`${seed}|${label}`).int32() >>> 0
}
