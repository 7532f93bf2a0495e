import { REFUND_INSTANT, refundRequest } from '@d11/order-flow/after-sale'
import { newDecision } from '@d11/order-flow/decision'
import { fail } from '../../errors.ts'
import {
  cancelOrderDeadlines,
  flowRules,
  type OrderState,
  type PlatformState,
  type RefundState,
  type ServiceDeps,
} from '../state.ts'
import { refundView } from '../views.ts'

/** After-sale refunds: instant while unshipped where PAY-8 is in force (2024), else the merchant decides. */
export class AfterSaleService {
  constructor(
    private readonly state: PlatformState,
    private readonly deps: ServiceDeps,
  ) {}

  requestRefund(orderId: string, at: number) {
    const o = this.state.order(orderId)
    if (o.status === 'refunded' || o.status === 'created')
      fail('PLAT_ERR_ORDER_STATE', 'orderId', `order ${o.id} is ${o.status}`)
    const r: RefundState = {
      id: this.state.nextId('rf'),
      orderId: o.id,
      merchantId: o.merchantId,
      status: 'pending',
      instant: false,
      amountFen: o.paidFen,
    }
    this.state.refunds.set(r.id, r)
    this.deps.sink.event({
      kind: 'refund.requested',
      simTime: at,
      merchantId: o.merchantId,
      orderId: o.id,
      amountFen: r.amountFen,
    })
    const d = refundRequest(
      { shipped: o.status === 'picked_up', paidFen: o.paidFen },
      at,
      flowRules(this.deps),
      newDecision(),
    )
    if (d.code === REFUND_INSTANT) {
      r.instant = true
      this.settleRefund(r, o, true, at, d.ruleId)
    } else {
      this.deps.push(o.merchantId, 'refund.requested', {
        refundId: r.id,
        orderId: o.id,
        amountFen: r.amountFen,
      })
    }
    return refundView(r)
  }

  decideRefund(merchantId: string, refundId: string, approve: boolean, at: number) {
    const r =
      this.state.refunds.get(refundId) ?? fail('PLAT_ERR_NOT_FOUND', 'refundId', `no refund ${refundId}`)
    if (r.merchantId !== merchantId)
      fail('PLAT_ERR_FORBIDDEN', 'refundId', `refund ${refundId} belongs to another merchant`)
    if (r.status !== 'pending')
      fail('PLAT_ERR_ORDER_STATE', 'refundId', `refund ${refundId} is already ${r.status}`)
    this.settleRefund(r, this.state.order(r.orderId), approve, at, '')
    return refundView(r)
  }

  /** An approved refund ends the order: its deadlines stop and its units return to stock. */
  private settleRefund(r: RefundState, o: OrderState, approve: boolean, at: number, ruleId: string): void {
    r.status = approve ? 'approved' : 'rejected'
    if (approve) {
      o.status = 'refunded'
      cancelOrderDeadlines(o)
      const s = this.state.skus.get(o.skuId)
      if (s) {
        s.sold = Math.max(0, s.sold - o.quantity)
        s.sellable += o.quantity
      }
    }
    this.deps.sink.event({
      kind: approve ? 'refund.approved' : 'refund.rejected',
      simTime: at,
      merchantId: o.merchantId,
      orderId: o.id,
      ruleId,
      amountFen: r.amountFen,
      detail: { refundId: r.id, instant: r.instant },
    })
  }
}
