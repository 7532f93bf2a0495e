import { K6RunnerError } from './errors.ts'

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend'
export type Contains = 'default' | 'time' | 'data'
export type Tags = Record<string, string>

/** Where samples go besides the in-memory sinks (the k6 `--out json` writer). */
export interface SampleOutput {
  declare(metric: Metric): void
  point(metric: string, wallMs: number, value: number, tags: Tags): void
}

/** Aggregate of one metric (or submetric), computed like k6's sinks. */
export class Sink {
  count = 0
  sum = 0
  min = Number.POSITIVE_INFINITY
  max = Number.NEGATIVE_INFINITY
  last = 0
  passes = 0
  private values = new Float64Array(1024)
  private sorted = true

  constructor(readonly type: MetricType) {}

  add(value: number): void {
    this.count++
    this.sum += value
    if (value < this.min) this.min = value
    if (value > this.max) this.max = value
    this.last = value
    if (this.type === 'rate' && value !== 0) this.passes++
    if (this.type === 'trend') {
      if (this.count > this.values.length) {
        const grown = new Float64Array(this.values.length * 2)
        grown.set(this.values)
        this.values = grown
      }
      this.values[this.count - 1] = value
      this.sorted = false
    }
  }

  /** Percentile with k6's linear interpolation over the sorted values; `pct` in 0..100. */
  percentile(pct: number): number {
    if (this.count === 0) return 0
    const values = this.values.subarray(0, this.count)
    if (!this.sorted) {
      values.sort()
      this.sorted = true
    }
    const i = (pct / 100) * (this.count - 1)
    const lo = values[Math.floor(i)]!
    const hi = values[Math.ceil(i)]!
    return lo + (hi - lo) * (i - Math.floor(i))
  }

  /** One aggregate by its k6 name: avg, min, med, max, p(N), count, rate, value, passes, fails. */
  stat(name: string, durationMs: number): number {
    switch (name) {
      case 'avg':
        return this.count ? this.sum / this.count : 0
      case 'min':
        return this.count ? this.min : 0
      case 'max':
        return this.count ? this.max : 0
      case 'med':
        return this.percentile(50)
      case 'count':
        return this.type === 'counter' ? this.sum : this.count
      case 'rate':
        if (this.type === 'rate') return this.count ? this.passes / this.count : 0
        return durationMs > 0 ? this.sum / (durationMs / 1000) : 0
      case 'value':
        return this.last
      case 'passes':
        return this.passes
      case 'fails':
        return this.count - this.passes
    }
    const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(name)
    if (p) return this.percentile(Number(p[1]))
    throw new K6RunnerError('K6R_INVALID_THRESHOLD', `unknown aggregation '${name}'`)
  }

  /** The summary values k6 reports for this metric type. */
  summaryValues(trendStats: readonly string[], durationMs: number): Record<string, number> {
    switch (this.type) {
      case 'counter':
        return { count: this.sum, rate: this.stat('rate', durationMs) }
      case 'gauge':
        return { value: this.last, min: this.stat('min', 0), max: this.stat('max', 0) }
      case 'rate':
        return { rate: this.stat('rate', 0), passes: this.passes, fails: this.count - this.passes }
      case 'trend':
        return Object.fromEntries(trendStats.map((s) => [s, this.stat(s, durationMs)]))
    }
  }
}

/** A submetric such as `http_req_duration{name:browse}`: the samples whose tags match. */
export class Submetric {
  readonly sink: Sink
  constructor(
    readonly name: string,
    readonly tags: Tags,
    type: MetricType,
  ) {
    this.sink = new Sink(type)
  }
  matches(tags: Tags): boolean {
    for (const key in this.tags) if (tags[key] !== this.tags[key]) return false
    return true
  }
}

export class Metric {
  readonly sink: Sink
  readonly submetrics: Submetric[] = []
  declared = false
  constructor(
    readonly name: string,
    readonly type: MetricType,
    readonly contains: Contains,
  ) {
    this.sink = new Sink(type)
  }

  /** The submetric for `{k:v,...}` tags, created on first use. */
  submetric(tags: Tags, label: string): Submetric {
    const name = `${this.name}{${label}}`
    let sub = this.submetrics.find((s) => s.name === name)
    if (!sub) {
      sub = new Submetric(name, tags, this.type)
      this.submetrics.push(sub)
    }
    return sub
  }
}

const NAME_RE = /^[\p{L}\p{N}._!?/&#()<>%-][\p{L}\p{N}\s._!?/&#()<>%-]{0,127}$/u

/** All metrics of one run, built-in and custom, and the single path every sample takes. */
export class Registry {
  readonly metrics = new Map<string, Metric>()
  output: SampleOutput | undefined

  get(name: string, type: MetricType, contains: Contains = 'default'): Metric {
    let metric = this.metrics.get(name)
    if (!metric) {
      if (!NAME_RE.test(name)) {
        throw new K6RunnerError(
          'K6R_INVALID_METRIC',
          `metric name ${JSON.stringify(name)} is invalid: use 1-128 letters, digits and ._!?/&#()<>%-`,
        )
      }
      metric = new Metric(name, type, contains)
      this.metrics.set(name, metric)
    } else if (metric.type !== type) {
      throw new K6RunnerError(
        'K6R_INVALID_METRIC',
        `metric '${name}' is already a ${metric.type}; it cannot be redefined as a ${type}`,
      )
    }
    return metric
  }

  sample(metric: Metric, value: number, tags: Tags, wallMs: number): void {
    metric.sink.add(value)
    for (const sub of metric.submetrics) if (sub.matches(tags)) sub.sink.add(value)
    const out = this.output
    if (out) {
      if (!metric.declared) {
        metric.declared = true
        out.declare(metric)
      }
      out.point(metric.name, wallMs, value, tags)
    }
  }
}
