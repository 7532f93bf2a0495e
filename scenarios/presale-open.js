// Wave-1 presale opens at 20:00: buyers quote carts and place presale orders with a deposit.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e DATA_DIR=/abs/world presale-open.js
import exec from 'k6/execution'
import { Counter, Trend } from 'k6/metrics'
import { config } from './lib/config.js'
import { answered, api, isShed, ruleOf, startWindow } from './lib/platform.js'
import { slos } from './lib/slo.js'
import { arrival } from './lib/stages.js'
import { summarize } from './lib/summary.js'
import { windowFor } from './lib/windows.js'
import { cartOf, windowRows } from './lib/world.js'

const NAME = 'presale-open'
const window = windowFor(NAME, config.calendar)
const orders = windowRows('orders', 'presale-wave1', window, (o) => o.kind === 'presale' && o.wave === 1)

const deposits = new Counter('d11_deposits_paid')
const rejected = new Counter('d11_orders_rejected')
const toHand = new Trend('d11_quote_to_hand_fen')

export const options = {
  scenarios: {
    quote: arrival({ exec: 'quote', share: 0.5, window, momentMs: window.moment, timeline: orders.rows }),
    deposit: arrival({ exec: 'deposit', share: 0.5, window, momentMs: window.moment, timeline: orders.rows }),
  },
  thresholds: slos(
    { 'cart.quote': [300, 1000], 'orders.place': [500, 1500], 'orders.pay': [300, 1000] },
    { d11_deposits_paid: ['count>0'] },
  ),
}

export function setup() {
  return startWindow(window)
}

const pick = () => orders.rows[exec.scenario.iterationInTest % orders.rows.length]

export async function quote() {
  const res = await api('POST', '/buyer/cart/quote', cartOf(pick()), 'cart.quote')
  answered(res, 'quote')
  if (res.status === 200) toHand.add(res.json('toHandFen'))
}

export async function deposit() {
  const order = pick()
  const key = `${__ENV.RUN_ID || 'run'}-${NAME}-${exec.scenario.iterationInTest}`
  const placed = await api('POST', '/buyer/orders', cartOf(order), 'orders.place', { 'idempotency-key': key })
  answered(placed, 'place presale order')
  if (placed.status !== 201) {
    if (!isShed(placed)) rejected.add(1, { rule: ruleOf(placed) })
    return
  }
  for (const o of placed.json('orders')) {
    const paid = await api('POST', `/buyer/orders/${o.id}/pay`, { stage: 'deposit' }, 'orders.pay')
    answered(paid, 'pay deposit')
    if (paid.status === 200) deposits.add(1)
  }
}

export function handleSummary(data) {
  return summarize(NAME, data)
}
