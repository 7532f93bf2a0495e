import { APPEAL_OVERTURNED, appeal, appealConsequences } from '@d11/order-flow/after-sale'
import {
  COMPLAINT_UPHELD_PAID,
  complaintDeadline,
  complaintEventRule,
  complaintFounded,
  complaintOutcome,
  merchantLiable,
} from '@d11/order-flow/complaint'
import { newDecision } from '@d11/order-flow/decision'
import { fail } from '../../errors.ts'
import type { FulfilmentService } from '../fulfilment/service.ts'
import { type ComplaintState, flowRules, type PlatformState, type ServiceDeps } from '../state.ts'
import { complaintView } from '../views.ts'

const HOUR = 3_600_000

/** Complaints (PAY-5, paid inside PAY-2's window too) and appeals (PAY-7). */
export class ComplaintsService {
  constructor(
    private readonly state: PlatformState,
    private readonly deps: ServiceDeps,
    private readonly fulfilment: FulfilmentService,
  ) {}

  fileComplaint(orderId: string, reason: 'late_shipment' | 'other', at: number) {
    const o = this.state.order(orderId)
    const c: ComplaintState = {
      id: this.state.nextId('cp'),
      orderId: o.id,
      merchantId: o.merchantId,
      buyerId: o.buyerId,
      reason,
      filedAt: at,
      status: 'open',
      handledBy: '',
      decidedAt: 0,
      payoutFen: 0,
      appealed: false,
      appeals: 0,
      deadline: undefined,
    }
    this.state.complaints.set(c.id, c)
    this.state.merchant(o.merchantId).disputes += 1
    this.scheduleHandlingDeadline(c, at)
    this.deps.sink.event({
      kind: 'complaint.filed',
      simTime: at,
      merchantId: o.merchantId,
      orderId: o.id,
      buyerId: o.buyerId,
      detail: { complaintId: c.id, reason },
    })
    this.deps.push(o.merchantId, 'complaint.filed', { complaintId: c.id, orderId: o.id, reason })
    return complaintView(c)
  }

  /** PAY-5: not handled in time, the platform intervenes; an upheld complaint is the merchant's liability. */
  private scheduleHandlingDeadline(c: ComplaintState, filedAt: number): void {
    const deadline = complaintDeadline(filedAt, flowRules(this.deps))
    const complaintHours = (deadline - filedAt) / HOUR
    c.deadline = this.deps.scheduler.at(deadline, 'complaint', (due) => {
      c.deadline = undefined
      if (c.status !== 'open') return
      this.deps.sink.verdict({
        merchant_id: c.merchantId,
        order_id: c.orderId,
        rule_id: 'PAY-5',
        metric: 'complaint_48h',
        ok: 0,
        value: complaintHours,
        threshold: complaintHours,
        sim_time: due,
      })
      this.decideComplaint(c, false, 'platform', due)
    })
  }

  /** PAY-5's facts (@d11/order-flow): a late-shipment complaint is founded when the order missed its deadline. */
  private founded(c: ComplaintState): boolean {
    const o = this.state.orders.get(c.orderId)
    if (!o) return false
    return complaintFounded({
      reason: c.reason,
      late: o.late,
      unshippedPastDeadline: o.status === 'paid' && o.shipBy <= c.filedAt,
    })
  }

  private merchantComplaint(merchantId: string, complaintId: string): ComplaintState {
    const c =
      this.state.complaints.get(complaintId) ??
      fail('PLAT_ERR_NOT_FOUND', 'complaintId', `no complaint ${complaintId}`)
    if (c.merchantId !== merchantId)
      fail('PLAT_ERR_FORBIDDEN', 'complaintId', `complaint ${complaintId} belongs to another merchant`)
    return c
  }

  handleComplaint(merchantId: string, complaintId: string, action: 'accept' | 'dispute', at: number) {
    const c = this.merchantComplaint(merchantId, complaintId)
    if (c.status !== 'open')
      fail('PLAT_ERR_ORDER_STATE', 'complaintId', `complaint ${complaintId} is already ${c.status}`)
    if (c.deadline) c.deadline.cancelled = true
    c.deadline = undefined
    this.deps.sink.verdict({
      merchant_id: merchantId,
      order_id: c.orderId,
      rule_id: 'PAY-5',
      metric: 'complaint_48h',
      ok: 1,
      value: (at - c.filedAt) / HOUR,
      threshold: (complaintDeadline(c.filedAt, flowRules(this.deps)) - c.filedAt) / HOUR,
      sim_time: at,
    })
    this.decideComplaint(c, action === 'accept', 'merchant', at)
    return complaintView(c)
  }

  /**
   * PAY-5 (@d11/order-flow): in time the merchant's acceptance or the facts uphold a complaint;
   * escalated, only the facts. An upheld late-shipment complaint is paid (inside PAY-2's window
   * too) unless already compensated: PAY-3 for an order that can never ship, else PAY-1/4.
   */
  private decideComplaint(
    c: ComplaintState,
    merchantAccepts: boolean,
    by: 'merchant' | 'platform',
    at: number,
  ): void {
    const o = this.state.orders.get(c.orderId)
    const rules = flowRules(this.deps)
    const d = complaintOutcome(
      {
        reason: c.reason,
        filedAt: c.filedAt,
        handledInTime: by === 'merchant',
        merchantAccepts,
        founded: this.founded(c),
        neverShips: o?.oversold ?? false,
        alreadyCompensated: (o?.compensatedFen ?? 0) > 0,
        paidFen: o?.paidFen ?? 0,
        presale: o?.kind === 'presale',
      },
      at,
      rules,
      newDecision(),
    )
    c.status = d.ok ? 'upheld' : 'rejected'
    c.handledBy = by
    c.decidedAt = at
    if (o && d.code === COMPLAINT_UPHELD_PAID) {
      const cause = d.ruleId === 'PAY-3' ? 'oversell' : 'late_shipment'
      c.payoutFen = this.fulfilment.pay(o, cause, d.ruleId, d.amountFen, at)
    }
    const m = this.state.merchants.get(c.merchantId)
    if (m && merchantLiable(by === 'merchant', d.ok)) m.merchantLiable += 1
    this.deps.sink.event({
      kind: d.ok ? 'complaint.upheld' : 'complaint.rejected',
      simTime: at,
      merchantId: c.merchantId,
      orderId: c.orderId,
      ruleId: complaintEventRule(at, rules),
      amountFen: c.payoutFen,
      detail: { complaintId: c.id, handledBy: by },
    })
  }

  /** PAY-7 (@d11/order-flow): `maxPerDispute` appeals within the window; an unfounded complaint is overturned. */
  appeal(merchantId: string, complaintId: string, at: number) {
    const c = this.merchantComplaint(merchantId, complaintId)
    // only an upheld decision can be appealed (an overturned one is already the merchant's)
    if (c.status !== 'upheld')
      fail(
        'PLAT_ERR_APPEAL',
        'complaintId',
        `complaint ${c.id} is ${c.status}; only upheld complaints can be appealed`,
      )
    const d = appeal(
      { decidedAt: c.decidedAt, previousAppeals: c.appeals, founded: this.founded(c) },
      at,
      flowRules(this.deps),
      newDecision(),
    )
    if (!d.ok) fail('PLAT_ERR_APPEAL', 'complaintId', `complaint ${c.id}: ${d.reason}`)
    c.appeals += 1
    c.appealed = true
    const overturned = d.code === APPEAL_OVERTURNED
    if (overturned) c.status = 'rejected'
    const consequences = this.appealCounted(c.orderId, merchantId, overturned, at)
    this.deps.sink.event({
      kind: 'appeal.decided',
      simTime: at,
      merchantId,
      orderId: c.orderId,
      ruleId: d.ruleId,
      detail: { complaintId, overturned, disputeRateBp: consequences.disputeRateBp },
    })
    return { complaintId, overturned, status: c.status }
  }

  /**
   * PAY-7's consequences (@d11/order-flow appealConsequences): the appeal counts toward its SKU's
   * success rate and, failed, toward the merchant's refund-dispute rate; a SKU newly put under
   * review is announced once (`product.review`).
   */
  private appealCounted(orderId: string, merchantId: string, overturned: boolean, at: number) {
    const o = this.state.order(orderId)
    const m = this.state.merchant(merchantId)
    const s = this.state.skus.get(o.skuId)
    if (!overturned) m.failedAppealDisputesFen.push(o.paidFen)
    const product = { appeals: 0, appealSuccesses: 0 }
    if (s) {
      s.appeals += 1
      if (overturned) s.appealSuccesses += 1
      product.appeals = s.appeals
      product.appealSuccesses = s.appealSuccesses
    }
    const shop = {
      orders: m.orderIds.length,
      disputes: m.disputes,
      failedAppealDisputesFen: m.failedAppealDisputesFen,
    }
    const consequences = appealConsequences(shop, product, at, flowRules(this.deps))
    if (s && consequences.productReview && !s.underReview) {
      s.underReview = true
      this.deps.sink.event({
        kind: 'product.review',
        simTime: at,
        merchantId,
        skuId: o.skuId,
        ruleId: consequences.ruleId,
        detail: { appeals: s.appeals, appealSuccesses: s.appealSuccesses },
      })
    }
    return consequences
  }
}
