// Buyer flows shared by the scenarios. Each returns nothing and records checks and d11_ metrics.
import exec from 'k6/execution'
import { Counter } from 'k6/metrics'
import { answered, api, isShed, ruleOf } from './platform.js'
import { cartOf } from './world.js'

const placed = new Counter('d11_orders_placed')
const rejected = new Counter('d11_orders_rejected')
const paid = new Counter('d11_orders_paid')
const messages = new Counter('d11_consultation_messages')

/** An Idempotency-Key unique to this run, scenario and iteration. */
export function iterationKey() {
  return `${__ENV.RUN_ID || 'run'}-${exec.scenario.name}-${exec.scenario.iterationInTest}`
}

/** Place the world order's cart and pay each resulting order (`stage`: spot | deposit). */
export async function checkout(order, stage) {
  const res = await api('POST', '/buyer/orders', cartOf(order), 'orders.place', {
    'idempotency-key': iterationKey(),
  })
  answered(res, 'place order')
  if (res.status !== 201) {
    if (!isShed(res)) rejected.add(1, { rule: ruleOf(res) })
    return []
  }
  const orders = res.json('orders')
  placed.add(orders.length)
  const ids = []
  for (const o of orders) {
    const pay = await api('POST', `/buyer/orders/${o.id}/pay`, { stage }, 'orders.pay')
    answered(pay, `pay ${stage}`)
    if (pay.status === 200) {
      paid.add(1, { stage })
      ids.push(o.id)
    } else if (!isShed(pay)) rejected.add(1, { rule: ruleOf(pay) })
  }
  return ids
}

/** One conversation from the world: the opening message, then up to two follow-ups in the same thread. */
export async function consult(row) {
  const body = {
    buyerId: row.buyerId,
    merchantId: row.merchantId,
    text: `${row.topic}/${row.subtopic}: 请问什么时候发货？`,
  }
  const first = await api('POST', '/buyer/consultations', body, 'consultations.message')
  answered(first, 'consultation')
  if (first.status !== 200) return
  messages.add(1, { topic: row.topic })
  const consultationId = first.json('consultationId')
  for (let turn = 1; turn < Math.min(3, row.turns); turn++) {
    const next = await api(
      'POST',
      '/buyer/consultations',
      Object.assign({}, body, { consultationId, text: `追问 ${turn}` }),
      'consultations.message',
    )
    answered(next, 'consultation follow-up')
    if (next.status === 200) messages.add(1, { topic: row.topic })
  }
}
