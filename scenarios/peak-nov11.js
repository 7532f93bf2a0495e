// The global peak at 00:00 on 11 November: checkouts (order + payment) and consultations together.
// Starts with a short low-rate warm-up (WARMUP_S=5 s, 0 = none) that the thresholds leave out.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e DATA_DIR=/abs/world -e PEAK_RPS=500 peak-nov11.js
import exec from 'k6/execution'
import { config } from './lib/config.js'
import { ENDPOINT_SLOS } from './lib/endpoint-slos.js'
import { checkout, consult } from './lib/flows.js'
import { startWindow } from './lib/platform.js'
import { slos } from './lib/slo.js'
import { arrival } from './lib/stages.js'
import { summarize } from './lib/summary.js'
import { MEASURED_PHASE, withWarmup } from './lib/warmup.js'
import { windowFor } from './lib/windows.js'
import { windowRows } from './lib/world.js'

const NAME = 'peak-nov11'
const window = windowFor(NAME, config.calendar)
const orders = windowRows('orders', 'spot-wave2', window, (o) => o.kind === 'spot' && o.wave === 2)
const consultations = windowRows('consultations', 'peak', window)

export const options = {
  // a few seconds of low-rate warm-up (WARMUP_S), then the measured window
  scenarios: withWarmup(
    {
      checkout: arrival({ exec: 'buy', share: 0.75, window, momentMs: window.moment, timeline: orders.rows }),
      consult: arrival({
        exec: 'ask',
        share: 0.25,
        window,
        momentMs: window.moment,
        timeline: consultations.rows,
      }),
    },
    'warm',
  ),
  thresholds: slos(ENDPOINT_SLOS[NAME], { d11_orders_paid: ['count>0'] }, MEASURED_PHASE),
}

export function setup() {
  return startWindow(window, config.warmupS)
}

/** Warm-up: the same calls as the window, three checkouts to one consultation. */
export async function warm() {
  const i = exec.scenario.iterationInTest
  if (i % 4 === 3) await consult(consultations.rows[i % consultations.rows.length])
  else await checkout(orders.rows[orders.rows.length - 1 - (i % orders.rows.length)], 'spot')
}

export async function buy() {
  await checkout(orders.rows[exec.scenario.iterationInTest % orders.rows.length], 'spot')
}

export async function ask() {
  await consult(consultations.rows[exec.scenario.iterationInTest % consultations.rows.length])
}

export function handleSummary(data) {
  return summarize(NAME, data)
}
