import { getCalendar } from '@d11/rules/calendar'
import { rulesetAt } from '@d11/rules/ruleset'
import { SimError } from './errors.ts'

export type PayoutCause = 'late_shipment' | 'oversell' | 'price_protection'

/**
 * Every judgement the engine makes, answered by `@d11/rules`. Amount look-ups return plain
 * numbers so the engine can cache them per SKU and stay allocation-free per order.
 */
export interface Judge {
  /** SHIP-1: the carrier-pickup deadline of an order paid at `paidAt` (presale/contract ship hours override when > 0). */
  shipDeadline(paidAt: number, presaleShipHours: number): number
  /** PAY-1 (× PAY-4 for presale): late-shipment compensation for an order that paid `paidFen`. */
  lateShipment(paidFen: number, presale: boolean): { amountFen: number; ruleId: string }
  /** PAY-3 (× PAY-4 for presale): compensation for an oversold order that can never ship. */
  oversell(paidFen: number, presale: boolean): { amountFen: number; ruleId: string }
  /** PAY-2: true when a late order is compensated automatically at `simTime` (outside the no-auto-compensation window). */
  autoCompensates(simTime: number): boolean
  /** PAY-5: when the platform intervenes on a complaint filed at `filedAt` that the merchant has not handled. */
  complaintDeadline(filedAt: number): number
  /** PAY-6: 0 ok, 1 warning, 2 removal from the campaign, for `late` delayed of `due` orders. */
  massDelay(late: number, due: number): 0 | 1 | 2
}

const HOUR = 3_600_000

function amount(paidFen: number, a: { rateBp: number; minFen: number; maxFen: number }): number {
  const raw = Math.round((paidFen * a.rateBp) / 10_000)
  return Math.min(a.maxFen, Math.max(a.minFen, raw))
}

/**
 * The judge for a calendar, reading the ruleset in force (`rulesetAt`) and the calendar's
 * no-auto-compensation window (PAY-2).
 */
export function rulesJudge(calendarId: string, at?: number): Judge {
  let calendar: ReturnType<typeof getCalendar>
  try {
    calendar = getCalendar(calendarId as '2020')
  } catch (err) {
    throw new SimError('SIM_ERR_SCENARIO', `calendar: ${(err as Error).message}`)
  }
  const win = calendar.noAutoCompensationWindow
  const rs = rulesetAt(at ?? win.from)
  const c = rs.compensation
  const presaleBp = c.presaleMultiplierBp
  const withPresale = (fen: number, presale: boolean) =>
    presale ? Math.round((fen * presaleBp) / 10_000) : fen
  const pickupMs = rs.shipping.pickupHours * HOUR
  const windows = rs.shipping.deadlineWindows
  const md = c.massDelay
  return {
    shipDeadline(paidAt, presaleShipHours) {
      if (presaleShipHours > 0) return paidAt + presaleShipHours * HOUR
      for (const w of windows) if (paidAt >= w.from && paidAt < w.to) return paidAt + w.pickupHours * HOUR
      return paidAt + pickupMs
    },
    lateShipment(paidFen, presale) {
      return {
        amountFen: withPresale(amount(paidFen, c.lateShipment), presale),
        ruleId: presale ? 'PAY-4' : 'PAY-1',
      }
    },
    oversell(paidFen, presale) {
      return { amountFen: withPresale(amount(paidFen, c.oversell), presale), ruleId: 'PAY-3' }
    },
    autoCompensates(simTime) {
      return !(simTime >= win.from && simTime < win.to)
    },
    complaintDeadline(filedAt) {
      return filedAt + c.complaintHandlingHours * HOUR
    },
    massDelay(late, due) {
      if (due < md.minOrders) return 0
      const bp = (late * 10_000) / due
      if (bp >= md.removeDelayRateBp) return 2
      if (bp >= md.warnDelayRateBp) return 1
      return 0
    },
  }
}
