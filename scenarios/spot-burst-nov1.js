// Wave-1 spot sales open at 00:00 on 1 November: the first spot burst of checkouts and quotes.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e DATA_DIR=/abs/world spot-burst-nov1.js
import exec from 'k6/execution'
import { config } from './lib/config.js'
import { checkout } from './lib/flows.js'
import { answered, api, startWindow } from './lib/platform.js'
import { slos } from './lib/slo.js'
import { arrival } from './lib/stages.js'
import { summarize } from './lib/summary.js'
import { windowFor } from './lib/windows.js'
import { cartOf, windowRows } from './lib/world.js'

const NAME = 'spot-burst-nov1'
const window = windowFor(NAME, config.calendar)
const orders = windowRows('orders', 'spot-wave1', window, (o) => o.kind === 'spot' && o.wave === 1)
const flow = (exec, share) =>
  arrival({ exec, share, window, momentMs: window.moment, timeline: orders.rows, preset: 'launch' })

export const options = {
  scenarios: { checkout: flow('buy', 0.7), quote: flow('quote', 0.3) },
  thresholds: slos(
    { 'orders.place': [500, 1500], 'orders.pay': [300, 1000], 'cart.quote': [300, 1000] },
    { d11_orders_paid: ['count>0'] },
  ),
}

export function setup() {
  return startWindow(window)
}

const pick = () => orders.rows[exec.scenario.iterationInTest % orders.rows.length]

export async function buy() {
  await checkout(pick(), 'spot')
}

export async function quote() {
  answered(await api('POST', '/buyer/cart/quote', cartOf(pick()), 'cart.quote'), 'quote')
}

export function handleSummary(data) {
  return summarize(NAME, data)
}
