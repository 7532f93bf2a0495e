// Per-endpoint latency SLOs, [p95, p99] in ms, of the scenarios that share them with the report:
// the scenario turns them into k6 thresholds (slo.js), and `d11 run` stores them with the run so
// the report judges the launch minute against the same numbers. Plain data: k6 and Node read it.

export const ENDPOINT_SLOS = {
  'peak-nov11': {
    'orders.place': [500, 1500],
    'orders.pay': [300, 1000],
    'consultations.message': [300, 1000],
  },
}
