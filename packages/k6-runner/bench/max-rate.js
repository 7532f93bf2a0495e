// Closed-loop load for the benchmark: VUS virtual users each sending one GET per iteration.
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

export function handleSummary() {
  return {}
}
