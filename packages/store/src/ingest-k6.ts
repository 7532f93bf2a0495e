import { createHash } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
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
  /**
   * Where Point lines are validated and parsed: `engine` hands raw lines to the embedded engine
   * (fastest; embedded only), `node` parses them in Node and sends only valid rows.
   * @default 'engine' on the embedded engine, 'node' on a server
   */
  validate?: 'engine' | 'node'
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

/**
 * Splits a byte stream into lines, one array per chunk (much cheaper than readline's per-line
 * promises). Multi-byte characters split across chunks are decoded correctly; a trailing `\r`
 * is dropped.
 */
async function* lineChunks(input: AsyncIterable<Buffer | string>): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8')
  let rest = ''
  for await (const chunk of input) {
    const lines = (rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk))).split('\n')
    rest = lines.pop() ?? ''
    yield lines.map(stripCr)
  }
  rest += decoder.end()
  if (rest.length > 0) yield [stripCr(rest)]
}

const stripCr = (l: string) => (l.endsWith('\r') ? l.slice(0, -1) : l)

const TIME_RE = /"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/
const VALUE_RE = /"value":-?\d/

/**
 * Cheap shape check of a k6 Point line (no parse): the structural keys with the right kinds of
 * values. In JSON a quote inside a string is always escaped, so these unescaped substrings are
 * keys. A line passing it goes to the engine unparsed; if the engine then rejects the batch, the
 * batch is re-checked line by line in Node (see `engineInsert`).
 */
function looksLikePoint(text: string): boolean {
  return (
    text.charCodeAt(0) === 123 &&
    text.charCodeAt(text.length - 1) === 125 &&
    text.includes('"type":"Point"') &&
    text.includes('"metric":"') &&
    !text.includes('"metric":""') &&
    text.includes('"tags":{') &&
    TIME_RE.test(text) &&
    VALUE_RE.test(text)
  )
}

/** Structure of the engine-mode batch file: `{"l": <line>, "p": <k6 line>}` per row. */
const WRAPPED_STRUCTURE =
  'l UInt64, p Tuple(type String, metric String, data Tuple(time String, value Float64, tags Map(String, String)))'

/** Columns of the `k6_ingest` Null table (migration 005). */
const INGEST_STRUCTURE =
  'run_id String, source String, l UInt64, t String, p Tuple(metric String, data Tuple(time String, value Float64, tags Map(String, String)))'

function allStrings(o: Record<string, unknown> | null | undefined): boolean {
  if (!o) return false
  for (const k in o) if (typeof o[k] !== 'string') return false
  return true
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
  const mode = opts.validate ?? (store.engine === 'embedded' ? 'engine' : 'node')
  if (mode === 'engine' && store.engine !== 'embedded') {
    throw new StoreError(
      'STORE_ERR_VALIDATE',
      "ingestK6: validate: 'engine' needs the embedded engine; use 'node'",
    )
  }
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

  // Each valid Point goes to the engine as {"run_id","source","l":<line>,"t":<type>,"p":<the k6
  // line>}: the raw text is embedded, not re-serialized, and the `k6_ingest` view (migration 005)
  // shapes it into k6_samples. Node only validates; the row is parsed once, natively.
  const prefix = `{"run_id":${JSON.stringify(runId)},"source":${JSON.stringify(source)},"l":`
  const typeJson = new Map<string, string>()
  let tmp: string | undefined
  let batch: string[] = []
  let inFlight: Promise<unknown> = Promise.resolve()
  const flush = async (batchIndex: number) => {
    const values = batch
    batch = []
    if (values.length === 0) return
    const body = `${values.join('\n')}\n`
    // Dedup token: run, source, batch position and the batch content (line numbers included).
    const token = createHash('sha1')
      .update(`${runId}\u0000${source}\u0000${batchLines}\u0000${batchIndex}\u0000${mode}\u0000`)
      .update(body)
      .digest('hex')
    let f = ''
    if (mode === 'engine') {
      tmp ??= await mkdtemp(join(tmpdir(), 'd11-ingest-'))
      const file = join(tmp, `batch-${batchIndex}.ndjson`)
      await writeFile(file, body)
      await inFlight
      const pending = engineInsert(file, token, values).finally(() => rm(file, { force: true }))
      pending.catch(() => undefined)
      inFlight = pending
      return
    }
    if (store.engine === 'embedded') {
      // In process the engine's own file reader is several times faster than inline INSERT data.
      tmp ??= await mkdtemp(join(tmpdir(), 'd11-ingest-'))
      f = join(tmp, `batch-${batchIndex}.ndjson`)
      await writeFile(f, body)
    }
    await inFlight
    const settings = {
      input_format_json_ignore_unknown_keys_in_named_tuple: 1,
      insert_deduplication_token: token,
      deduplicate_blocks_in_dependent_materialized_views: 1,
    } as const
    let pending: Promise<unknown>
    if (f) {
      pending = store.client
        .command({
          query: `INSERT INTO ${store.t('k6_ingest')} SELECT * FROM file('${f.replace(/[\\']/g, '\\$&')}', 'JSONEachRow', '${INGEST_STRUCTURE}')`,
          clickhouse_settings: settings,
        })
        .finally(() => rm(f, { force: true }))
    } else {
      pending = store.client
        .exec({
          query: `INSERT INTO ${store.t('k6_ingest')} FORMAT JSONEachRow`,
          values: Readable.from([body]),
          clickhouse_settings: settings,
        })
        .then((r) => r.stream.destroy())
    }
    // Awaited before the next batch; the no-op handler keeps an early failure from going unhandled.
    pending.catch(() => undefined)
    inFlight = pending
  }
  const bad = (line: number, reason: string) => {
    result.badCount += 1
    if (result.badLines.length < keepBad) result.badLines.push({ line, reason })
  }

  // Engine mode: the batch file holds `{"l":<line>,"p":<k6 line>}`; the engine parses it natively
  // (like its own file reader would) in one INSERT … SELECT. When the engine rejects the batch
  // (a line that looked right but is not), Node re-checks that batch line by line, reports the bad
  // lines and inserts the rest under a distinct token.
  const engineInsert = async (file: string, token: string, wrapped: string[]) => {
    const names = [...types.keys()]
    const insertFrom = (f: string, tok: string) =>
      store.client.command({
        query: `INSERT INTO ${store.t('k6_samples')} (run_id, source, line, metric, type, value, tags, ts)
          SELECT {run:String}, {source:String}, l, p.metric, transform(p.metric, {names:Array(String)}, {types:Array(String)}, ''),
                 p.data.value, p.data.tags, parseDateTime64BestEffort(p.data.time, 3)
          FROM file('${f.replace(/[\\']/g, '\\$&')}', 'JSONEachRow', '${WRAPPED_STRUCTURE}')`,
        query_params: { run: runId, source, names, types: names.map((n) => types.get(n) ?? '') },
        clickhouse_settings: {
          input_format_json_ignore_unknown_keys_in_named_tuple: 1,
          input_format_skip_unknown_fields: 1,
          insert_deduplication_token: tok,
          deduplicate_blocks_in_dependent_materialized_views: 1,
        },
      })
    try {
      await insertFrom(file, token)
      result.points += wrapped.length
      return
    } catch {
      // fall through: find the offending lines
    }
    const good: string[] = []
    for (const w of wrapped) {
      const cut = w.indexOf(',"p":')
      const n = Number(w.slice(5, cut))
      const text = w.slice(cut + 5, -1)
      let v: unknown
      try {
        v = JSON.parse(text)
      } catch {
        bad(n, 'not JSON')
        continue
      }
      const reason =
        typeof v === 'object' && v !== null
          ? checkPoint(v as Parameters<typeof checkPoint>[0])
          : 'not a JSON object'
      if (reason) bad(n, reason)
      else good.push(w)
    }
    if (good.length > 0) {
      const checked = `${file}.checked`
      await writeFile(checked, `${good.join('\n')}\n`)
      try {
        await insertFrom(checked, `${token}:checked`)
      } finally {
        await rm(checked, { force: true })
      }
    }
    result.points += good.length
  }

  let lineNo = 0
  try {
    for await (const chunk of lineChunks(input)) {
      for (const text of chunk) {
        lineNo += 1
        if (mode === 'engine' && looksLikePoint(text)) {
          batch.push(`{"l":${lineNo},"p":${text}}`)
        } else if (text.length > 0 && text.trim() !== '') {
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
            else if (mode === 'engine') {
              const d = v.data as { time: string; value: number; tags?: Record<string, unknown> | null }
              const tags = Object.fromEntries(
                Object.entries(d.tags ?? {}).map(([k, x]) => [
                  k,
                  typeof x === 'string' ? x : JSON.stringify(x),
                ]),
              )
              const p = { type: 'Point', metric: v.metric, data: { time: d.time, value: d.value, tags } }
              batch.push(`{"l":${lineNo},"p":${JSON.stringify(p)}}`)
            } else {
              const d = v.data as { time: string; value: number; tags?: Record<string, unknown> | null }
              const metric = v.metric as string
              let t = typeJson.get(metric)
              if (t === undefined) {
                t = JSON.stringify(types.get(metric) ?? '')
                typeJson.set(metric, t)
              }
              if (allStrings(d.tags)) {
                batch.push(`${prefix}${lineNo},"t":${t},"p":${text}}`)
              } else {
                // Unusual shape (no tags, non-string tag values): normalize before sending.
                const tags = Object.fromEntries(
                  Object.entries(d.tags ?? {}).map(([k, x]) => [
                    k,
                    typeof x === 'string' ? x : JSON.stringify(x),
                  ]),
                )
                const p = { metric, data: { time: d.time, value: d.value, tags } }
                batch.push(`${prefix}${lineNo},"t":${t},"p":${JSON.stringify(p)}}`)
              }
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
    }
    await flush(Math.floor(lineNo / batchLines))
    await inFlight
  } catch (err) {
    await inFlight.catch(() => undefined)
    throw err
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true })
  }
  result.lines = lineNo
  result.badLines.sort((a, b) => a.line - b.line)
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
