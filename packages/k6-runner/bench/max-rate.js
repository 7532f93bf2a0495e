// Closed-loop load for the benchmark, run unchanged by real k6 and the built-in runner: VUS virtual
// users each sending one GET per iteration; k6's summary data goes to SUMMARY.
import http from 'k6/http'

export const options = {
  scenarios: {
    max: {
      executor: 'constant-vus',
      vus: Number(__ENV.VUS || 50),
      duration: __ENV.DURATION || '10s',
      gracefulStop: '2s',
    },
  },
}

export default async function () {
  await http.asyncRequest('GET', __ENV.TARGET)
}

export function handleSummary(data) {
  return __ENV.SUMMARY ? { [__ENV.SUMMARY]: JSON.stringify(data) } : {}
}
