import { formatSimInstant } from '../../clock.ts'
import { fail } from '../../errors.ts'
import {
  compensationFen,
  deadlineFigures,
  inNoAutoCompensationWindow,
  massDelayLevel,
} from '../../rules-port.ts'
import type { MerchantState, OrderState, PlatformState, ServiceDeps } from '../state.ts'
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

  /** SHIP-1 deadline passed without pickup: late verdict, then PAY-1/3/4 unless PAY-2 withholds. */
  private pickupDeadlinePassed(o: OrderState): void {
    o.pickup = undefined
    if (o.status !== 'paid') return
    o.late = true
    const m = this.state.merchants.get(o.merchantId)
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
    if (this.compensationWithheld(at)) {
      this.deps.sink.event({
        kind: 'compensation.withheld',
        simTime: at,
        merchantId: o.merchantId,
        orderId: o.id,
        ruleId: 'PAY-2',
        amountFen: compensationFen(o.paidFen, o.kind === 'presale', o.oversold, at).amountFen,
      })
      return
    }
    this.compensate(o, at)
  }

  /** Decision PAY-2: inside the no-auto-compensation window nothing is paid automatically. */
  compensationWithheld(at: number): boolean {
    return inNoAutoCompensationWindow(this.deps.calendar, at)
  }

  /**
   * Decision PAY-1/3/4: the cause and amount owed for a passed deadline. An upheld late-shipment
   * complaint is paid as late shipment even when the cause was oversell (000).
   */
  compensationOwed(o: OrderState, at: number, viaComplaint: boolean) {
    const oversell = o.oversold && !viaComplaint
    const { amountFen, ruleId } = compensationFen(o.paidFen, o.kind === 'presale', oversell, at)
    return { cause: oversell ? ('oversell' as const) : ('late_shipment' as const), amountFen, ruleId }
  }

  /** Pay the late-shipment (or oversell) compensation once per order; returns the amount paid now. */
  compensate(o: OrderState, at: number, viaComplaint = false): number {
    if (o.compensatedFen > 0) return 0
    const owed = this.compensationOwed(o, at, viaComplaint)
    o.compensatedFen = owed.amountFen
    this.deps.sink.payout({
      merchant_id: o.merchantId,
      order_id: o.id,
      sku_id: o.skuId,
      cause: owed.cause,
      rule_id: owed.ruleId,
      amount_fen: owed.amountFen,
      wave: o.wave,
      sim_time: at,
    })
    const m = this.state.merchants.get(o.merchantId)
    if (m) m.payoutsFen += owed.amountFen
    return owed.amountFen
  }

  /** PAY-6: the ruleset's delay-rate thresholds over judged orders: warning, then removal. */
  private massDelayCheck(m: MerchantState, at: number): void {
    const v = massDelayLevel(m.pickupJudged, m.lateOrders, at)
    if (v.level === 'none') return
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
    if (v.level === 'removal' && !m.removed) {
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
    if (o.pickup) o.pickup.cancelled = true
    o.pickup = undefined
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
    const { traceHours } = deadlineFigures(pickedUpAt)
    const traceBy = pickedUpAt + traceHours * HOUR
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
      const { traceHours } = deadlineFigures(o.pickedUpAt)
      const onTime = at - o.pickedUpAt <= traceHours * HOUR
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
    this.setShipBy(o, shipBy)
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

  /** Decision SHIP-4: delay reports are refused inside the no-auto-compensation window. */
  private delayReportRefused(at: number): boolean {
    return inNoAutoCompensationWindow(this.deps.calendar, at)
  }
}
