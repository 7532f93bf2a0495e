// The return period after 11 November: refunds (PAY-8), complaints (PAY-5) and price-protection
// claims (PRICE-5) against orders setup() places and pays on 11 November.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e DATA_DIR=/abs/world after-sale.js
import exec from 'k6/execution'
import { Counter } from 'k6/metrics'
import { config } from './lib/config.js'
import { answered, api, ruleOf, setClock, startWindow } from './lib/platform.js'
import { prepareOrders } from './lib/prepare.js'
import { slos } from './lib/slo.js'
import { arrival } from './lib/stages.js'
import { summarize } from './lib/summary.js'
import { MOMENTS_BY_CALENDAR, shanghaiIso, windowFor } from './lib/windows.js'
import { windowRows, worldRows } from './lib/world.js'

const NAME = 'after-sale'
const window = windowFor(NAME, config.calendar)
const spot = worldRows('orders', 'spot-wave2', (o) => o.kind === 'spot' && o.wave === 2, config.setupOrders)
const refunds = windowRows(
  'after_sales',
  'refunds',
  window,
  (a) => a.kind === 'refund-request' || a.kind === 'return',
)
const complaints = windowRows('after_sales', 'complaints', window, (a) => a.kind === 'complaint')
const reviews = windowRows('after_sales', 'reviews', window, (a) => a.kind === 'negative-review')
const outcomes = new Counter('d11_after_sale_requests')

const flow = (exec, share, rows) =>
  arrival({ exec, share, window, momentMs: window.moment, preset: 'plateau', timeline: rows })

export const options = {
  scenarios: {
    refund: flow('refund', 0.6, refunds.rows),
    complain: flow('complain', 0.2, complaints.rows),
    // negative reviews often come with a price complaint: replayed as price-protection claims
    priceProtection: flow('claim', 0.2, reviews.rows),
  },
  thresholds: slos(
    { 'orders.refund': [300, 1000], 'orders.complaint': [300, 1000], 'orders.price-protection': [300, 1000] },
    { d11_after_sale_requests: ['count>0'] },
  ),
  setupTimeout: '120s',
}

export async function setup() {
  await startWindow(window)
  const spotAt = shanghaiIso(MOMENTS_BY_CALENDAR[config.calendar].wave2SpotOpens + 3600000)
  const orderIds = await prepareOrders(spot, spotAt, 'spot')
  await setClock(window.fromIso, config.compress)
  return { orderIds }
}

const orderFor = (data) => data.orderIds[exec.scenario.iterationInTest % data.orderIds.length]

async function request(path, body, name, kind) {
  const res = await api('POST', path, body, name)
  answered(res, kind)
  outcomes.add(1, { kind, rule: ruleOf(res) })
}

export async function refund(data) {
  const row = refunds.rows[exec.scenario.iterationInTest % refunds.rows.length]
  await request(`/buyer/orders/${orderFor(data)}/refund`, { reason: row.reason }, 'orders.refund', 'refund')
}

export async function complain(data) {
  const row = complaints.rows[exec.scenario.iterationInTest % complaints.rows.length]
  const reason = row.reason === 'late-shipment' ? 'late_shipment' : 'other'
  await request(`/buyer/orders/${orderFor(data)}/complaints`, { reason }, 'orders.complaint', 'complaint')
}

export async function claim(data) {
  await request(
    `/buyer/orders/${orderFor(data)}/price-protection`,
    {},
    'orders.price-protection',
    'price-protection',
  )
}

export function handleSummary(data) {
  return summarize(NAME, data)
}
