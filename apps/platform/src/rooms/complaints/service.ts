import { fail } from '../../errors.ts'
import { deadlineFigures } from '../../rules-port.ts'
import type { FulfilmentService } from '../fulfilment/service.ts'
import type { ComplaintState, PlatformState, ServiceDeps } from '../state.ts'
import { complaintView } from '../views.ts'

const HOUR = 3_600_000
const DAY = 86_400_000

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
      deadline: undefined,
    }
    this.state.complaints.set(c.id, c)
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
    const { complaintHours } = deadlineFigures(filedAt)
    c.deadline = this.deps.scheduler.at(filedAt + complaintHours * HOUR, 'complaint', (due) => {
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
      this.decideComplaint(c, this.complaintFounded(c), 'platform', due)
    })
  }

  /** Decision (PAY-5 facts): a late-shipment complaint is founded when the order missed its ship-by time. */
  private complaintFounded(c: ComplaintState): boolean {
    const o = this.state.orders.get(c.orderId)
    if (!o) return false
    if (c.reason === 'late_shipment') return o.late || (o.status === 'paid' && o.shipBy <= c.filedAt)
    return true
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
      threshold: deadlineFigures(c.filedAt).complaintHours,
      sim_time: at,
    })
    this.decideComplaint(c, action === 'accept' || this.complaintFounded(c), 'merchant', at)
    return complaintView(c)
  }

  /** Upheld late-shipment complaints are paid (PAY-1/PAY-4), inside the PAY-2 window too. */
  private decideComplaint(c: ComplaintState, upheld: boolean, by: 'merchant' | 'platform', at: number): void {
    c.status = upheld ? 'upheld' : 'rejected'
    c.handledBy = by
    c.decidedAt = at
    const o = this.state.orders.get(c.orderId)
    if (upheld && o && c.reason === 'late_shipment') c.payoutFen = this.fulfilment.compensate(o, at, true)
    this.deps.sink.event({
      kind: upheld ? 'complaint.upheld' : 'complaint.rejected',
      simTime: at,
      merchantId: c.merchantId,
      orderId: c.orderId,
      ruleId: this.fulfilment.compensationWithheld(at) ? 'PAY-2' : 'PAY-5',
      amountFen: c.payoutFen,
      detail: { complaintId: c.id, handledBy: by },
    })
  }

  /** PAY-7: one appeal per dispute, within the ruleset's appeal window of the decision. */
  appeal(merchantId: string, complaintId: string, at: number) {
    const c = this.merchantComplaint(merchantId, complaintId)
    this.checkAppealAllowed(c, at)
    c.appealed = true
    const overturned = !this.complaintFounded(c)
    if (overturned) c.status = 'rejected'
    this.deps.sink.event({
      kind: 'appeal.decided',
      simTime: at,
      merchantId,
      orderId: c.orderId,
      ruleId: 'PAY-7',
      detail: { complaintId, overturned },
    })
    return { complaintId, overturned, status: c.status }
  }

  /** Decision PAY-7: only an upheld complaint, appealed once, inside the appeal window. */
  private checkAppealAllowed(c: ComplaintState, at: number): void {
    if (c.status !== 'upheld')
      fail(
        'PLAT_ERR_APPEAL',
        'complaintId',
        `complaint ${c.id} is ${c.status}; only upheld complaints can be appealed`,
      )
    if (c.appealed)
      fail(
        'PLAT_ERR_APPEAL',
        'complaintId',
        `complaint ${c.id} was already appealed (one appeal per dispute)`,
      )
    const { appealDays } = deadlineFigures(c.decidedAt)
    if (at - c.decidedAt > appealDays * DAY) {
      fail('PLAT_ERR_APPEAL', 'complaintId', `the ${appealDays}-day appeal window has passed`)
    }
  }
}
