import { getCalendar } from '@d11/rules/calendar'
import {
  complaintHandlingVerdict,
  inNoAutoCompensationWindow,
  lateShipmentCompensation,
  massDelayVerdict,
  oversellCompensation,
} from '@d11/rules/compensation'
import { rulesetAt } from '@d11/rules/ruleset'
import { pickupDeadline } from '@d11/rules/shipping'
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
  /** PAY-5: when the platform intervenes on a complaint filed at `filedAt` that the merchant has not handled (inclusive). */
  complaintDeadline(filedAt: number): number
  /** PAY-6: 0 ok, 1 warning, 2 removal from the campaign, for `late` delayed of `due` orders and `poorService` complaints. */
  massDelay(late: number, due: number, poorService: number): 0 | 1 | 2
}

/**
 * The judge for a calendar and the ruleset in force at `at` (the start of the simulated window;
 * the platform applies the version in force at the simulated time of the action).
 */
export function rulesJudge(calendarId: string, at?: number): Judge {
  let calendar: ReturnType<typeof getCalendar>
  try {
    calendar = getCalendar(calendarId as '2020')
  } catch (err) {
    throw new SimError('SIM_ERR_SCENARIO', `calendar: ${(err as Error).message}`)
  }
  const rs = rulesetAt(at ?? calendar.noAutoCompensationWindow.from)
  const money = (v: { ok: boolean; ruleId: string; reason: string; amountFen: number }) => {
    if (!v.ok) throw new SimError('SIM_ERR_RULES', `${v.ruleId}: ${v.reason}`)
    return { amountFen: v.amountFen, ruleId: v.ruleId }
  }
  return {
    shipDeadline(paidAt, presaleShipHours) {
      // the simulator's orders are paid when placed: presale hours count from that instant too
      return pickupDeadline(paidAt, paidAt, presaleShipHours, calendar, rs)
    },
    lateShipment(paidFen, presale) {
      return money(lateShipmentCompensation({ paidFen, presale }, rs))
    },
    oversell(paidFen, presale) {
      return money(oversellCompensation({ paidFen, presale }, rs))
    },
    autoCompensates(simTime) {
      return !inNoAutoCompensationWindow(simTime, calendar)
    },
    complaintDeadline(filedAt) {
      return complaintHandlingVerdict({ filedAt, now: filedAt }, rs).deadline
    },
    massDelay(late, due, poorService) {
      const level = massDelayVerdict(
        { orders: due, delayedOrders: late, poorServiceCount: poorService },
        rs,
      ).level
      return level === 'removal' ? 2 : level === 'warning' ? 1 : 0
    },
  }
}
