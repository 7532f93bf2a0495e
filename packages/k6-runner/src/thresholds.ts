import { parseDuration } from './duration.ts'
import { K6RunnerError } from './errors.ts'
import type { Registry, Sink, Tags } from './metrics.ts'

/** One threshold expression, e.g. `p(99)<500` on `http_req_duration{name:pay}`. */
export interface Threshold {
  /** `http_req_duration` or `http_req_duration{name:pay}`: the key in `options.thresholds` */
  metricKey: string
  source: string
  aggregation: string
  op: string
  value: number
  abortOnFail: boolean
  delayAbortEvalMs: number
  sink: Sink
  ok: boolean
}

const EXPR_RE =
  /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/
const ALLOWED: Record<string, RegExp> = {
  counter: /^(count|rate)$/,
  gauge: /^(value|min|max)$/,
  rate: /^rate$/,
  trend: /^(avg|min|max|med|p\(\d+(\.\d+)?\))$/,
}

/** Splits `name{k:v,k2:v2}` into the metric name and its tags. */
export function parseMetricKey(key: string): { name: string; tags: Tags; label: string } {
  const m = /^([^{]+?)\s*(?:\{(.*)\})?\s*$/.exec(key)
  if (!m) throw new K6RunnerError('K6R_INVALID_THRESHOLD', `options.thresholds key '${key}' is malformed`)
  const tags: Tags = {}
  const label = m[2]?.trim() ?? ''
  if (label) {
    for (const part of label.split(',')) {
      const i = part.indexOf(':')
      if (i <= 0) {
        throw new K6RunnerError(
          'K6R_INVALID_THRESHOLD',
          `options.thresholds key '${key}': tag filter '${part}' must be key:value`,
        )
      }
      tags[part.slice(0, i).trim()] = part
        .slice(i + 1)
        .trim()
        .replace(/^["']|["']$/g, '')
    }
  }
  return { name: m[1]!.trim(), tags, label }
}

/**
 * Parses `options.thresholds` (k6 syntax: strings or `{ threshold, abortOnFail, delayAbortEval }`)
 * and binds each to its metric's sink, creating submetrics for tagged keys. Metrics a threshold
 * names must exist by then (built-ins always do; custom ones once the script's init ran).
 */
export function parseThresholds(registry: Registry, spec: unknown): Threshold[] {
  if (spec === undefined) return []
  if (typeof spec !== 'object' || spec === null) {
    throw new K6RunnerError('K6R_INVALID_THRESHOLD', 'options.thresholds must be an object')
  }
  const out: Threshold[] = []
  for (const [key, list] of Object.entries(spec)) {
    const { name, tags, label } = parseMetricKey(key)
    const metric = registry.metrics.get(name)
    if (!metric) {
      throw new K6RunnerError(
        'K6R_INVALID_THRESHOLD',
        `options.thresholds['${key}'] names metric '${name}', which the script never defines`,
      )
    }
    const sink = label ? metric.submetric(tags, label).sink : metric.sink
    for (const item of Array.isArray(list) ? list : [list]) {
      const def = typeof item === 'string' ? { threshold: item } : (item as Record<string, unknown>)
      const source = def.threshold
      const m = typeof source === 'string' ? EXPR_RE.exec(source) : null
      if (!m || typeof source !== 'string') {
        throw new K6RunnerError(
          'K6R_INVALID_THRESHOLD',
          `options.thresholds['${key}']: '${String(source)}' is not 'aggregation op number' (e.g. 'p(95)<500', 'rate<0.01')`,
        )
      }
      if (!ALLOWED[metric.type]!.test(m[1]!)) {
        throw new K6RunnerError(
          'K6R_INVALID_THRESHOLD',
          `options.thresholds['${key}']: '${m[1]}' does not apply to ${metric.type} metric '${name}'`,
        )
      }
      out.push({
        metricKey: key,
        source,
        aggregation: m[1]!,
        op: m[2]!,
        value: Number(m[3]),
        abortOnFail: def.abortOnFail === true,
        delayAbortEvalMs:
          def.delayAbortEval === undefined
            ? 0
            : parseDuration(def.delayAbortEval, `options.thresholds['${key}'].delayAbortEval`),
        sink,
        ok: true,
      })
    }
  }
  return out
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case '<':
      return a < b
    case '<=':
      return a <= b
    case '>':
      return a > b
    case '>=':
      return a >= b
    case '!=':
      return a !== b
    default:
      return a === b
  }
}

/** Evaluates every threshold against the sinks now; returns true when all pass. */
export function evaluateThresholds(thresholds: Threshold[], durationMs: number): boolean {
  let all = true
  for (const t of thresholds) {
    t.ok = compare(t.sink.stat(t.aggregation, durationMs), t.op, t.value)
    all &&= t.ok
  }
  return all
}
