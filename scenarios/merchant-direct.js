// The platform's pushes replayed straight at one merchant service (apps/merchant), to measure it
// alone: order.paid for the world's 11 November orders and consultation.message for its chats.
// k6 run -e MERCHANT_URL=http://127.0.0.1:4000 -e DATA_DIR=/abs/world merchant-direct.js
import { check } from 'k6'
import exec from 'k6/execution'
import http from 'k6/http'
import { Counter } from 'k6/metrics'
import { config, JSON_HEADERS } from './lib/config.js'
import { slos } from './lib/slo.js'
import { arrival } from './lib/stages.js'
import { summarize } from './lib/summary.js'
import { shanghaiIso, windowFor } from './lib/windows.js'
import { windowRows } from './lib/world.js'

const NAME = 'merchant-direct'
const window = windowFor(NAME, config.calendar)
const orders = windowRows('orders', 'spot-wave2', window, (o) => o.kind === 'spot' && o.wave === 2)
const consultations = windowRows('consultations', 'peak', window)
const acked = new Counter('d11_pushes_acked')

export const options = {
  scenarios: {
    paid: arrival({ exec: 'orderPaid', share: 0.8, window, momentMs: window.moment, timeline: orders.rows }),
    message: arrival({
      exec: 'message',
      share: 0.2,
      window,
      momentMs: window.moment,
      timeline: consultations.rows,
    }),
  },
  thresholds: slos(
    { 'webhooks.order.paid': [100, 300], 'webhooks.consultation.message': [100, 300] },
    {
      d11_pushes_acked: ['count>0'],
    },
  ),
}

export async function setup() {
  const res = await http.asyncRequest('GET', `${config.merchantUrl}/health`, null, {
    tags: { name: 'health' },
  })
  if (res.status !== 200)
    throw new Error(`merchant service at ${config.merchantUrl} answered ${res.status} on /health`)
  return {}
}

async function push(type, merchantId, simTime, data) {
  const envelope = {
    id: `${__ENV.RUN_ID || 'run'}-${exec.scenario.name}-${exec.scenario.iterationInTest}`,
    type,
    merchantId,
    simTime,
    wallTime: Date.now(),
    data,
  }
  const res = await http.asyncRequest('POST', `${config.merchantUrl}/webhooks`, JSON.stringify(envelope), {
    headers: JSON_HEADERS,
    tags: { name: `webhooks.${type}` },
  })
  if (check(res, { [`${type} acknowledged`]: (r) => r.status === 200 })) acked.add(1, { type })
}

export async function orderPaid() {
  const order = orders.rows[exec.scenario.iterationInTest % orders.rows.length]
  const item = order.items[0]
  const paidAt = order.paidAt || order.createdAt
  await push('order.paid', item.merchantId, order.simTime, {
    id: `${order.id}-${exec.scenario.iterationInTest}`,
    merchantId: item.merchantId,
    skuId: item.skuId,
    quantity: item.quantity,
    paidFen: item.unitPriceFen * item.quantity,
    status: 'paid',
    paidAt,
    shipBy: shanghaiIso(Date.parse(paidAt) + 48 * 3600000),
    oversold: false,
  })
}

export async function message() {
  const row = consultations.rows[exec.scenario.iterationInTest % consultations.rows.length]
  await push('consultation.message', row.merchantId, row.simTime, {
    consultationId: `${row.id}-${exec.scenario.iterationInTest}`,
    buyerId: row.buyerId,
    orderId: row.orderId || '',
    text: `${row.topic}: 请问什么时候发货？`,
  })
}

export function handleSummary(data) {
  return summarize(NAME, data)
}
