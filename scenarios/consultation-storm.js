// Customer-service messages at the 11 November burst (EXP-1 reply rate, EXP-2 manual response time
// are judged by the platform from these conversations).
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e DATA_DIR=/abs/world consultation-storm.js
import exec from 'k6/execution'
import { config } from './lib/config.js'
import { consult } from './lib/flows.js'
import { startWindow } from './lib/platform.js'
import { slos } from './lib/slo.js'
import { arrival } from './lib/stages.js'
import { summarize } from './lib/summary.js'
import { windowFor } from './lib/windows.js'
import { windowRows } from './lib/world.js'

const NAME = 'consultation-storm'
const window = windowFor(NAME, config.calendar)
const consultations = windowRows('consultations', 'storm', window)

export const options = {
  scenarios: {
    consult: arrival({ exec: 'ask', window, momentMs: window.moment, timeline: consultations.rows }),
  },
  thresholds: slos({ 'consultations.message': [300, 1000] }, { d11_consultation_messages: ['count>0'] }),
}

export function setup() {
  return startWindow(window)
}

export async function ask() {
  await consult(consultations.rows[exec.scenario.iterationInTest % consultations.rows.length])
}

export function handleSummary(data) {
  return summarize(NAME, data)
}
