// Thresholds are the SLOs: infrastructure failures (5xx, timeouts, refused connections) under 1 %,
// nearly every check answered, and per-endpoint latency. Business rejections (409/422 carrying a
// rule ID) are answers, not failures: see ANSWERED in platform.js.

/**
 * `{ 'orders.place': [p95, p99], ... }` → k6 thresholds with submetrics per endpoint name.
 * `only` (`'phase:peak'`) narrows every threshold to the samples carrying that tag, so a warm-up
 * (warmup.js) is never judged.
 */
export function slos(endpoints, extra = {}, only = '') {
  const on = (metric, tags) => {
    const all = [tags, only].filter(Boolean).join(',')
    return all ? `${metric}{${all}}` : metric
  }
  const thresholds = {}
  thresholds[on('http_req_failed')] = [
    'rate<0.01',
    { threshold: 'rate<0.25', abortOnFail: true, delayAbortEval: '10s' },
  ]
  thresholds[on('checks')] = ['rate>0.95']
  Object.assign(thresholds, extra)
  for (const [name, [p95, p99]] of Object.entries(endpoints)) {
    thresholds[on('http_req_duration', `name:${name}`)] = [`p(95)<${p95}`, `p(99)<${p99}`]
  }
  return thresholds
}
