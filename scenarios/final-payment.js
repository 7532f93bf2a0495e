// The final-payment rush when wave-1 final payment opens (CAL-1): setup() places presale orders
// and pays their deposits during the presale phase, then the iterations pay the balances.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e DATA_DIR=/abs/world final-payment.js
import exec from 'k6/execution'
import { Counter } from 'k6/metrics'
import { config } from './lib/config.js'
import { answered, api, ruleOf, setClock, startWindow } from './lib/platform.js'
import { prepareOrders } from './lib/prepare.js'
import { slos } from './lib/slo.js'
import { arrival } from './lib/stages.js'
import { summarize } from './lib/summary.js'
import { MOMENTS_BY_CALENDAR, shanghaiIso, windowFor } from './lib/windows.js'
import { worldRows } from './lib/world.js'

const NAME = 'final-payment'
const window = windowFor(NAME, config.calendar)
const presale = worldRows(
  'orders',
  'presale-wave1',
  (o) => o.kind === 'presale' && o.wave === 1,
  config.setupOrders,
)
// replay: when the world's buyers paid their balances
const finals = worldRows(
  'orders',
  'final-paid-wave1',
  (o) => o.kind === 'presale' && o.wave === 1 && Boolean(o.finalPaidAt),
  1e9,
  (o) => Date.parse(o.finalPaidAt),
)
const finalPaid = new Counter('d11_final_payments')
const repeats = new Counter('d11_final_payment_repeats')

export const options = {
  scenarios: {
    pay: arrival({ exec: 'payFinal', window, momentMs: window.moment, timeline: finals }),
  },
  thresholds: slos({ 'orders.pay': [300, 1000] }, { d11_final_payments: ['count>0'] }),
  setupTimeout: '120s',
}

export async function setup() {
  await startWindow(window)
  const presaleAt = shanghaiIso(MOMENTS_BY_CALENDAR[config.calendar].wave1PresaleOpens + 3600000)
  const orderIds = await prepareOrders(presale, presaleAt, 'deposit')
  await setClock(window.fromIso, config.compress)
  return { orderIds }
}

export async function payFinal(data) {
  const id = data.orderIds[exec.scenario.iterationInTest % data.orderIds.length]
  const res = await api('POST', `/buyer/orders/${id}/pay`, { stage: 'final' }, 'orders.pay')
  answered(res, 'pay final')
  if (res.status === 200) finalPaid.add(1)
  else repeats.add(1, { rule: ruleOf(res) })
}

export function handleSummary(data) {
  return summarize(NAME, data)
}
