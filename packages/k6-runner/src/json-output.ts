import { createWriteStream, type WriteStream } from 'node:fs'
import type { Metric, SampleOutput, Tags } from './metrics.ts'

/**
 * Writes samples in k6's `--out json` line format: one `"type":"Metric"` declaration the first time
 * a metric is seen, then one `"type":"Point"` per sample. Times are RFC 3339 in UTC.
 */
export class JsonOutput implements SampleOutput {
  private readonly stream: WriteStream
  private buffer: string[] = []
  private bytes = 0
  private lastMs = -1
  private lastIso = ''
  // the samples of one request share one tags object: serialize it once
  private lastTags: Tags | undefined
  private lastTagsJson = ''

  constructor(
    path: string,
    private readonly thresholdsOf: (metric: string) => string[] = () => [],
  ) {
    this.stream = createWriteStream(path)
  }

  declare(metric: Metric): void {
    const data = {
      name: metric.name,
      type: metric.type,
      contains: metric.contains,
      thresholds: this.thresholdsOf(metric.name),
      submetrics: null,
    }
    this.push(JSON.stringify({ type: 'Metric', data, metric: metric.name }))
  }

  point(metric: string, wallMs: number, value: number, tags: Tags): void {
    const ms = Math.floor(wallMs)
    if (ms !== this.lastMs) {
      this.lastMs = ms
      this.lastIso = new Date(ms).toISOString()
    }
    if (tags !== this.lastTags) {
      this.lastTags = tags
      this.lastTagsJson = JSON.stringify(tags)
    }
    this.push(
      `{"metric":${JSON.stringify(metric)},"type":"Point","data":{"time":"${this.lastIso}","value":${value},"tags":${this.lastTagsJson}}}`,
    )
  }

  private push(line: string): void {
    this.buffer.push(line)
    this.bytes += line.length
    if (this.bytes > 1 << 16) this.flush()
  }

  flush(): void {
    if (this.buffer.length === 0) return
    this.stream.write(`${this.buffer.join('\n')}\n`)
    this.buffer = []
    this.bytes = 0
  }

  close(): Promise<void> {
    this.flush()
    return new Promise((resolve, reject) => {
      this.stream.once('error', reject)
      this.stream.end(resolve)
    })
  }
}
