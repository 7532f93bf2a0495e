import { createHash } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { basename } from 'node:path'
import { createInterface } from 'node:readline'
import { Transform } from 'node:stream'
import { createGunzip } from 'node:zlib'
import type { Store } from './connection.ts'
import { StoreError } from './errors.ts'

/**
 * `ingestK6`: streams a k6 `--out json` file (NDJSON, optionally gzip) into `k6_samples` and
 * `k6_metrics` with bounded memory: readline over a (gunzip) stream, one batch inserting while the
 * next is parsed. Sample identity is (run, file name, line number), so re-loading the same file is
 * a no-op: batches are cut at fixed line numbers and carry an insert deduplication token (which
 * also keeps the per-minute materialized view exact), and the table is a ReplacingMergeTree.
 */

export interface IngestProgress {
  bytes: number
  totalBytes: number
  lines: number
  points: number
  bad: number
}

export interface IngestK6Options {
  /** Run id the samples belong to. */
  runId: string
  /**
   * Source name that, with the line number, identifies a sample.
   * @default the file name without `.gz`
   */
  source?: string
  /**
   * Lines per INSERT batch; keep it fixed between re-loads (it is part of the dedup token).
   * @default 50000
   */
  batchLines?: number
  /**
   * Malformed lines kept with their reason (all are counted).
   * @default 1000
   */
  keepBadLines?: number
  onProgress?: (p: IngestProgress) => void
}

export interface BadK6Line {
  line: number
  reason: string
}

export interface IngestK6Result {
  runId: string
  source: string
  lines: number
  points: number
  metrics: number
  badCount: number
  badLines: BadK6Line[]
}

interface K6Row {
  run_id: string
  source: string
  line: number
  metric: string
  type: string
  value: number
  tags: Record<string, string>
  ts: string
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/

/** Validates one parsed line; returns the reason when malformed. */
function checkPoint(v: {
  metric?: unknown
  data?: { time?: unknown; value?: unknown; tags?: unknown }
}): string | undefined {
  if (typeof v.metric !== 'string' || v.metric === '') return 'Point without `metric`'
  const d = v.data
  if (typeof d !== 'object' || d === null) return 'Point without `data`'
  if (typeof d.time !== 'string' || !ISO.test(d.time)) return '`data.time` is not an ISO timestamp'
  if (typeof d.value !== 'number' || !Number.isFinite(d.value)) return '`data.value` is not a finite number'
  if (d.tags !== undefined && d.tags !== null && (typeof d.tags !== 'object' || Array.isArray(d.tags)))
    return '`data.tags` is not an object'
  return undefined
}

export async function ingestK6(store: Store, file: string, opts: IngestK6Options): Promise<IngestK6Result> {
  if (!opts.runId) throw new StoreError('STORE_ERR_RUN_ID', 'ingestK6: `runId` (--run) is required')
  let totalBytes: number
  try {
    totalBytes = statSync(file).size
  } catch {
    throw new StoreError('STORE_ERR_FILE', `ingestK6: file "${file}" does not exist or is not readable`)
  }
  const runId = opts.runId
  const source = opts.source ?? basename(file).replace(/\.gz$/, '')
  const batchLines = opts.batchLines ?? 50_000
  const keepBad = opts.keepBadLines ?? 1000
  const result: IngestK6Result = { runId, source, lines: 0, points: 0, metrics: 0, badCount: 0, badLines: [] }
  const types = new Map<string, string>()
  const declarations: Record<string, unknown>[] = []

  let bytes = 0
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length
      cb(null, chunk)
    },
  })
  const raw = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(counter)
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })

  let batch: K6Row[] = []
  let inFlight: Promise<unknown> = Promise.resolve()
  // Dedup token: run, source, batch position and the batch's raw content.
  let hash = createHash('sha1')
  const flush = async (batchIndex: number) => {
    const values = batch
    batch = []
    const token = hash
      .update(`\u0000${runId}\u0000${source}\u0000${batchLines}\u0000${batchIndex}`)
      .digest('hex')
    hash = createHash('sha1')
    await inFlight
    if (values.length === 0) return
    const pending = store.client.insert({
      table: store.t('k6_samples'),
      values,
      format: 'JSONEachRow',
      clickhouse_settings: {
        date_time_input_format: 'best_effort',
        insert_deduplication_token: token,
        deduplicate_blocks_in_dependent_materialized_views: 1,
      },
    })
    // Awaited before the next batch; the no-op handler keeps an early failure from going unhandled.
    pending.catch(() => undefined)
    inFlight = pending
  }
  const bad = (line: number, reason: string) => {
    result.badCount += 1
    if (result.badLines.length < keepBad) result.badLines.push({ line, reason })
  }

  let lineNo = 0
  try {
    for await (const text of rl) {
      lineNo += 1
      hash.update(text).update('\n')
      if (text.length > 0 && text.trim() !== '') {
        let v: { type?: unknown; metric?: unknown; data?: Record<string, unknown> }
        try {
          v = JSON.parse(text)
        } catch {
          v = { type: Symbol.for('bad') }
        }
        if (typeof v !== 'object' || v === null) bad(lineNo, 'not a JSON object')
        else if (v.type === 'Point') {
          const reason = checkPoint(v as Parameters<typeof checkPoint>[0])
          if (reason) bad(lineNo, reason)
          else {
            const d = v.data as { time: string; value: number; tags?: Record<string, string> | null }
            const metric = v.metric as string
            batch.push({
              run_id: runId,
              source,
              line: lineNo,
              metric,
              type: types.get(metric) ?? '',
              value: d.value,
              tags: d.tags ?? {},
              ts: d.time,
            })
            result.points += 1
          }
        } else if (v.type === 'Metric') {
          const d = v.data as
            | { name?: unknown; type?: unknown; contains?: unknown; thresholds?: unknown }
            | undefined
          const name = typeof d?.name === 'string' ? d.name : typeof v.metric === 'string' ? v.metric : ''
          if (!name || typeof d?.type !== 'string') bad(lineNo, 'Metric without `data.name` / `data.type`')
          else {
            types.set(name, d.type)
            declarations.push({
              run_id: runId,
              metric: name,
              type: d.type,
              contains: typeof d.contains === 'string' ? d.contains : '',
              thresholds: Array.isArray(d.thresholds) ? d.thresholds.map(String) : [],
            })
            result.metrics += 1
          }
        } else if (typeof v.type === 'symbol') bad(lineNo, 'not JSON')
        else bad(lineNo, '`type` must be "Point" or "Metric"')
      }
      if (lineNo % batchLines === 0) {
        await flush(lineNo / batchLines - 1)
        opts.onProgress?.({ bytes, totalBytes, lines: lineNo, points: result.points, bad: result.badCount })
      }
    }
    await flush(Math.floor(lineNo / batchLines))
    await inFlight
  } catch (err) {
    await inFlight.catch(() => undefined)
    throw err
  }
  result.lines = lineNo
  if (declarations.length > 0) {
    await store.client.insert({ table: store.t('k6_metrics'), values: declarations, format: 'JSONEachRow' })
  }
  opts.onProgress?.({
    bytes: totalBytes,
    totalBytes,
    lines: lineNo,
    points: result.points,
    bad: result.badCount,
  })
  return result
}
