import { MASS_DELAY_NONE, MASS_DELAY_REMOVAL, massDelayDecision } from '@d11/order-flow/complaint'
import {
  autoCompensates,
  DEADLINE_OVERSELL_PAID,
  DEADLINE_WITHHELD,
  DELAY_REPORT_REFUSED,
  deadlinePassed,
  delayReport,
  negotiatedDeadline,
  traceDue,
  traceUpdate,
} from '@d11/order-flow/deadline'
import { newDecision } from '@d11/order-flow/decision'
import { toShanghaiIsoSeconds as formatSimInstant } from '@d11/time/shanghai'
import { fail } from '../../errors.ts'
import {
  flowRules,
  type MerchantState,
  type OrderState,
  type PlatformState,
  type ServiceDeps,
} from '../state.ts'
import { orderView } from '../views.ts'

const HOUR = 3_600_000

/**
 * Fulfilment and its deadlines: pickup (SHIP-1), trace (SHIP-2), negotiated ship time (SHIP-3),
 * delay report (SHIP-4), what a passed deadline costs (PAY-1..4, withheld by PAY-2) and mass delay
 * (PAY-6).
 */
export class FulfilmentService {
  constructor(
    private readonly state: PlatformState,
    private readonly deps: ServiceDeps,
  ) {}

  /** (Re)schedules the order's pickup deadline at `shipBy`. */
  setShipBy(o: OrderState, shipBy: number): void {
    if (o.pickup) o.pickup.cancelled = true
    o.shipBy = shipBy
    o.pickup = this.deps.scheduler.at(shipBy, 'pickup', () => this.pickupDeadlinePassed(o))
  }

  /**
   * SHIP-1 deadline passed. Counted as due for PAY-6 whether or not the order shipped; unshipped,
   * it is late and @d11/order-flow says what that means: PAY-1/4, PAY-3 for an order that can
   * never ship (oversold), or withheld inside PAY-2's window.
   */
  private pickupDeadlinePassed(o: OrderState): void {
    o.pickup = undefined
    if (o.status !== 'paid' && o.status !== 'picked_up') return
    const m = this.state.merchants.get(o.merchantId)
    if (m) m.dueOrders += 1
    if (o.status !== 'paid') return
    o.late = true
    const at = o.shipBy
    this.deps.sink.verdict({
      merchant_id: o.merchantId,
      order_id: o.id,
      rule_id: 'SHIP-1',
      metric: 'pickup_48h',
      ok: 0,
      value: (at - o.paidAt) / HOUR,
      threshold: (o.shipBy - o.paidAt) / HOUR,
      sim_time: at,
    })
    this.deps.sink.event({
      kind: 'late_shipment',
      simTime: at,
      merchantId: o.merchantId,
      orderId: o.id,
      skuId: o.skuId,
      ruleId: 'SHIP-1',
    })
    if (m) {
      m.pickupJudged += 1
      m.lateOrders += 1
      this.massDelayCheck(m, at)
    }
    const d = deadlinePassed(
      { paidFen: o.paidFen, presale: o.kind === 'presale', neverShips: o.oversold },
      at,
      flowRules(this.deps),
      newDecision(),
    )
    if (d.code === DEADLINE_WITHHELD) {
      this.deps.sink.event({
        kind: 'compensation.withheld',
        simTime: at,
        merchantId: o.merchantId,
        orderId: o.id,
        ruleId: d.ruleId,
        amountFen: d.amountFen,
      })
      return
    }
    this.pay(o, d.code === DEADLINE_OVERSELL_PAID ? 'oversell' : 'late_shipment', d.ruleId, d.amountFen, at)
  }

  /** Decision PAY-2: inside the no-auto-compensation window nothing is paid automatically. */
  compensationWithheld(at: number): boolean {
    return !autoCompensates(at, flowRules(this.deps))
  }

  /** Pays a compensation @d11/order-flow decided, once per order; returns the amount paid now. */
  pay(
    o: OrderState,
    cause: 'late_shipment' | 'oversell',
    ruleId: string,
    amountFen: number,
    at: number,
  ): number {
    if (o.compensatedFen > 0) return 0
    o.compensatedFen = amountFen
    this.deps.sink.payout({
      merchant_id: o.merchantId,
      order_id: o.id,
      sku_id: o.skuId,
      cause,
      rule_id: ruleId,
      amount_fen: amountFen,
      wave: o.wave,
      sim_time: at,
    })
    const m = this.state.merchants.get(o.merchantId)
    if (m) m.payoutsFen += amountFen
    return amountFen
  }

  /**
   * PAY-6 (@d11/order-flow): delay rate over the orders due so far and the merchant-liable
   * complaints as poor service: warning, then removal.
   */
  massDelayCheck(m: MerchantState, at: number): void {
    const v = massDelayDecision(
      m.dueOrders,
      m.lateOrders,
      m.merchantLiable,
      at,
      flowRules(this.deps),
      newDecision(),
    )
    if (v.code === MASS_DELAY_NONE) return
    if (!m.warned) {
      m.warned = true
      this.deps.sink.event({
        kind: 'merchant.warned',
        simTime: at,
        merchantId: m.merchant.id,
        ruleId: 'PAY-6',
        detail: { reason: v.reason },
      })
    }
    if (v.code === MASS_DELAY_REMOVAL && !m.removed) {
      m.removed = true
      for (const s of this.state.skus.values()) if (s.merchantId === m.merchant.id) s.registrations.clear()
      this.deps.sink.event({
        kind: 'merchant.removed',
        simTime: at,
        merchantId: m.merchant.id,
        ruleId: 'PAY-6',
        detail: { reason: v.reason },
      })
    }
  }

  pickup(merchantId: string, orderId: string, at: number) {
    const o = this.state.order(orderId, merchantId)
    if (o.status !== 'paid') fail('PLAT_ERR_ORDER_STATE', 'orderId', `order ${o.id} is ${o.status}, not paid`)
    if (o.oversold) fail('PLAT_ERR_OUT_OF_STOCK', 'orderId', `order ${o.id} was oversold and can never ship`)
    o.status = 'picked_up'
    o.pickedUpAt = at
    // the pickup deadline stays scheduled: when it passes the order counts as due (PAY-6)
    const m = this.state.merchant(merchantId)
    if (!o.late) {
      m.pickupJudged += 1
      m.pickupOnTime += 1
      this.deps.sink.verdict({
        merchant_id: merchantId,
        order_id: o.id,
        rule_id: 'SHIP-1',
        metric: 'pickup_48h',
        ok: 1,
        value: (at - o.paidAt) / HOUR,
        threshold: (o.shipBy - o.paidAt) / HOUR,
        sim_time: at,
      })
    }
    this.scheduleTrace(o, at)
    this.deps.sink.event({
      kind: 'order.picked_up',
      simTime: at,
      merchantId,
      orderId: o.id,
      ruleId: 'SHIP-1',
      detail: { late: o.late },
    })
    return orderView(o)
  }

  /** SHIP-2: the trace deadline starts at pickup; missing it writes a failed verdict. */
  private scheduleTrace(o: OrderState, pickedUpAt: number): void {
    const traceBy = traceDue(pickedUpAt, flowRules(this.deps))
    const traceHours = (traceBy - pickedUpAt) / HOUR
    o.trace = this.deps.scheduler.at(traceBy, 'trace', () => {
      o.trace = undefined
      if (o.tracedAt) return
      this.deps.sink.verdict({
        merchant_id: o.merchantId,
        order_id: o.id,
        rule_id: 'SHIP-2',
        metric: 'trace_24h',
        ok: 0,
        value: traceHours,
        threshold: traceHours,
        sim_time: traceBy,
      })
      this.deps.sink.event({
        kind: 'trace_missing',
        simTime: traceBy,
        merchantId: o.merchantId,
        orderId: o.id,
        ruleId: 'SHIP-2',
      })
    })
  }

  trace(merchantId: string, orderId: string, at: number) {
    const o = this.state.order(orderId, merchantId)
    if (o.status !== 'picked_up')
      fail('PLAT_ERR_ORDER_STATE', 'orderId', `order ${o.id} is ${o.status}, not picked up`)
    if (o.tracedAt === 0) {
      o.tracedAt = at
      const { onTime, deadline: traceBy } = traceUpdate(o.pickedUpAt, at, flowRules(this.deps))
      const traceHours = (traceBy - o.pickedUpAt) / HOUR
      if (onTime) {
        if (o.trace) o.trace.cancelled = true
        o.trace = undefined
        this.deps.sink.verdict({
          merchant_id: merchantId,
          order_id: o.id,
          rule_id: 'SHIP-2',
          metric: 'trace_24h',
          ok: 1,
          value: (at - o.pickedUpAt) / HOUR,
          threshold: traceHours,
          sim_time: at,
        })
      }
    }
    this.deps.sink.event({ kind: 'order.traced', simTime: at, merchantId, orderId: o.id, ruleId: 'SHIP-2' })
    return orderView(o)
  }

  /** SHIP-3: an agreed ship time replaces the deadline. */
  negotiate(merchantId: string, orderId: string, shipBy: number, at: number) {
    const o = this.state.order(orderId, merchantId)
    if (o.status !== 'paid' || o.late)
      fail('PLAT_ERR_ORDER_STATE', 'orderId', `order ${o.id} is ${o.late ? 'already late' : o.status}`)
    if (shipBy <= at) fail('PLAT_ERR_ORDER_STATE', 'shipBy', 'the agreed ship time must be in the future')
    this.setShipBy(o, negotiatedDeadline(o.paidAt, shipBy, at, flowRules(this.deps)).deadline)
    this.deps.sink.event({
      kind: 'shipping.negotiated',
      simTime: at,
      merchantId,
      orderId: o.id,
      ruleId: 'SHIP-3',
      detail: { shipBy },
    })
    return orderView(o)
  }

  /** SHIP-4: delay report, offline inside the no-auto-compensation window. */
  delayReport(merchantId: string, orderId: string, shipBy: number, at: number) {
    const o = this.state.order(orderId, merchantId)
    if (this.delayReportRefused(at)) {
      this.deps.sink.event({
        kind: 'delay_report.refused',
        simTime: at,
        merchantId,
        orderId,
        ruleId: 'SHIP-4',
      })
      fail(
        'PLAT_ERR_DELAY_REPORT_WINDOW',
        'orderId',
        `delay reports are offline until ${formatSimInstant(this.deps.calendar.noAutoCompensationWindow.to)}`,
      )
    }
    if (o.status !== 'paid' || o.late)
      fail('PLAT_ERR_ORDER_STATE', 'orderId', `order ${o.id} is ${o.late ? 'already late' : o.status}`)
    if (shipBy <= at) fail('PLAT_ERR_ORDER_STATE', 'shipBy', 'the reported ship time must be in the future')
    o.delayReported = true
    this.setShipBy(o, shipBy)
    this.deps.sink.event({
      kind: 'delay_report.accepted',
      simTime: at,
      merchantId,
      orderId,
      ruleId: 'SHIP-4',
      detail: { shipBy },
    })
    return orderView(o)
  }

  /** Decision SHIP-4 (@d11/order-flow): delay reports are refused inside the no-auto-compensation window. */
  private delayReportRefused(at: number): boolean {
    return delayReport(at, flowRules(this.deps), newDecision()).code === DELAY_REPORT_REFUSED
  }
}
