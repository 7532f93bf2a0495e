/**
 * Buyers chase orders that missed their 48 h pickup (SHIP-1): after the deadlines have passed, a
 * seeded share of the buyers of late (or oversold) orders file a late-shipment complaint. What
 * follows is the platform's rules — the merchant's desk handles it (PAY-5), a founded complaint is
 * upheld and paid even inside PAY-2's window — so payouts come from the rules, not from this file.
 */
import { hashUnit, tagHash } from '@d11/generator/rng'

/** Share of buyers of a late order who complain. A DEFAULT, not from a source. */
export const DEFAULT_COMPLAINT_SHARE = 0.3

const TAG = tagHash('buyer-late-complaint')
const PAGE = 1000

interface OrderRow {
  id: string
  late: boolean
  oversold: boolean
  status: string
}

async function call<T>(url: URL, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
  return { status: res.status, json: (await res.json()) as T }
}

/** The orders of one merchant that missed their pickup or can never ship, every page. */
async function lateOrders(platformUrl: string, merchantId: string): Promise<OrderRow[]> {
  const out: OrderRow[] = []
  for (let offset = 0; ; offset += PAGE) {
    const url = new URL(`/merchant/${merchantId}/orders?offset=${offset}&limit=${PAGE}`, platformUrl)
    const { status, json } = await call<{ orders: OrderRow[]; total: number }>(url)
    if (status !== 200) throw new Error(`${url.pathname}: HTTP ${status}`)
    for (const o of json.orders) if ((o.late || o.oversold) && o.status !== 'refunded') out.push(o)
    if (offset + PAGE >= json.total) return out
  }
}

/** Whether the buyer of `orderId` complains: a uniform draw from (seed, order id). */
export function complains(seed: number, orderId: string, share: number): boolean {
  return hashUnit(seed, TAG ^ tagHash(orderId), 0) < share
}

export interface ComplaintTally {
  /** Late or oversold orders found. */
  late: number
  /** Complaints the platform accepted. */
  filed: number
}

/** File the complaints of the buyers who chase their late orders, merchant by merchant. */
export async function fileLateComplaints(
  platformUrl: string,
  merchantIds: readonly string[],
  seed: number,
  share = DEFAULT_COMPLAINT_SHARE,
): Promise<ComplaintTally> {
  const tally = { late: 0, filed: 0 }
  for (const merchantId of merchantIds) {
    for (const o of await lateOrders(platformUrl, merchantId)) {
      tally.late++
      if (!complains(seed, o.id, share)) continue
      const url = new URL(`/buyer/orders/${o.id}/complaints`, platformUrl)
      const { status } = await call(url, { reason: 'late_shipment' })
      if (status === 200) tally.filed++
    }
  }
  return tally
}
