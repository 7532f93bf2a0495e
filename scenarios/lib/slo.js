// Thresholds are the SLOs: infrastructure failures (5xx, timeouts, refused connections) under 1 %,
// nearly every check answered, and per-endpoint latency. Business rejections (409/422 carrying a
// rule ID) are answers, not failures: see ANSWERED in platform.js.

/** `{ 'orders.place': [p95, p99], ... }` → k6 thresholds with submetrics per endpoint name. */
export function slos(endpoints, extra = {}) {
  const thresholds = Object.assign(
    {
      http_req_failed: ['rate<0.01', { threshold: 'rate<0.25', abortOnFail: true, delayAbortEval: '10s' }],
      checks: ['rate>0.95'],
    },
    extra,
  )
  for (const [name, [p95, p99]] of Object.entries(endpoints)) {
    thresholds[`http_req_duration{name:${name}}`] = [`p(95)<${p95}`, `p(99)<${p99}`]
  }
  return thresholds
}
