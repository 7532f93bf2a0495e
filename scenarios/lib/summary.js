// handleSummary for every scenario: a short text report on stdout and, with SUMMARY_FILE, k6's
// summary data as JSON (what `d11 load` and CI read).
import { config } from './config.js'

function fmt(v, contains) {
  if (v === undefined) return '-'
  return contains === 'time' ? `${v.toFixed(1)}ms` : `${Math.round(v * 100) / 100}`
}

function checkLines(group, out) {
  for (const c of group.checks) {
    const total = c.passes + c.fails
    out.push(
      `  ${c.fails ? '✗' : '✓'} ${c.name} ${total ? ((100 * c.passes) / total).toFixed(2) : '0.00'}% (${c.passes}/${total})`,
    )
  }
  for (const g of group.groups) checkLines(g, out)
}

export function summarize(scenario, data) {
  const out = [`\n${scenario}: ${(data.state.testRunDurationMs / 1000).toFixed(1)} s`]
  checkLines(data.root_group, out)
  const m = data.metrics
  if (m.http_reqs)
    out.push(`  http_reqs ${m.http_reqs.values.count} (${m.http_reqs.values.rate.toFixed(1)}/s)`)
  for (const [name, metric] of Object.entries(m).sort(([a], [b]) => a.localeCompare(b))) {
    if (name.startsWith('http_req_duration{') || name === 'http_req_duration' || name.startsWith('d11_')) {
      const v = metric.values
      const text =
        metric.type === 'trend'
          ? `p(95)=${fmt(v['p(95)'], metric.contains)} max=${fmt(v.max, metric.contains)}`
          : metric.type === 'counter'
            ? `${v.count}`
            : metric.type === 'rate'
              ? `${(100 * v.rate).toFixed(2)}%`
              : `${v.value}`
      out.push(`  ${name} ${text}`)
    }
  }
  if (m.dropped_iterations) out.push(`  dropped_iterations ${m.dropped_iterations.values.count}`)
  const crossed = []
  for (const [name, metric] of Object.entries(m)) {
    for (const [expr, t] of Object.entries(metric.thresholds || {}))
      if (!t.ok) crossed.push(`${name} ${expr}`)
  }
  out.push(crossed.length ? `  thresholds crossed: ${crossed.join('; ')}` : '  thresholds: all passed')
  const files = { stdout: `${out.join('\n')}\n` }
  if (config.summaryFile) files[config.summaryFile] = JSON.stringify(data, null, 1)
  return files
}
