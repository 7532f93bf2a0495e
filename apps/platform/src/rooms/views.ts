import { formatSimInstant } from '../clock.ts'
import type { ComplaintState, OrderState, OrderStatus, PlatformState, RefundState } from './state.ts'

/** What the API shows of the state: plain JSON, instants as ISO +08:00. */

export function orderView(o: OrderState) {
  return {
    id: o.id,
    checkoutId: o.checkoutId,
    buyerId: o.buyerId,
    merchantId: o.merchantId,
    skuId: o.skuId,
    quantity: o.quantity,
    region: o.region,
    kind: o.kind,
    wave: o.wave,
    unitPriceFen: o.unitPriceFen,
    couponFen: o.couponFen,
    payableFen: o.payableFen,
    depositFen: o.depositFen,
    paidFen: o.paidFen,
    status: o.status,
    createdAt: formatSimInstant(o.createdAt),
    paidAt: o.paidAt ? formatSimInstant(o.paidAt) : null,
    shipBy: o.shipBy ? formatSimInstant(o.shipBy) : null,
    pickedUpAt: o.pickedUpAt ? formatSimInstant(o.pickedUpAt) : null,
    late: o.late,
    oversold: o.oversold,
    compensatedFen: o.compensatedFen,
  }
}

export function refundView(r: RefundState) {
  return { id: r.id, orderId: r.orderId, status: r.status, instant: r.instant, amountFen: r.amountFen }
}

export function complaintView(c: ComplaintState) {
  return {
    id: c.id,
    orderId: c.orderId,
    reason: c.reason,
    status: c.status,
    handledBy: c.handledBy,
    payoutFen: c.payoutFen,
    appealed: c.appealed,
  }
}

/** A merchant's orders, oldest first, filtered by status; `total` counts all of the merchant's orders. */
export function listOrders(
  state: PlatformState,
  merchantId: string,
  status: OrderStatus | undefined,
  offset: number,
  limit: number,
) {
  const m = state.merchant(merchantId)
  const out = []
  let skipped = 0
  for (const id of m.orderIds) {
    const o = state.orders.get(id)
    if (!o || (status && o.status !== status)) continue
    if (skipped < offset) {
      skipped += 1
      continue
    }
    out.push(orderView(o))
    if (out.length >= limit) break
  }
  return { orders: out, total: m.orderIds.length }
}
