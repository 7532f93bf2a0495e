import { createHash } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { createGunzip } from 'node:zlib'
import { queryRows, type Store } from './connection.ts'
import { StoreError } from './errors.ts'

/**
 * `ingestK6`: loads a k6 `--out json` file (NDJSON, optionally gzip) into `k6_samples` and
 * `k6_metrics` with bounded memory; malformed lines are counted and reported by line number, the
 * rest loads. Two readers:
 * - `engine` (embedded default): the engine reads and validates the file itself (see
 *   `ingestWithEngineReader`), Node does no per-line work;
 * - `stream` (server default): Node streams the (gunzipped) file in batches of `batchLines`
 *   lines, one batch inserting while the next is read.
 * Sample identity is (run, file name, line number), so re-loading the same file is a no-op:
 * inserts carry a content-derived deduplication token (which also keeps the per-minute
 * materialized view exact), and the tables are ReplacingMergeTree.
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
   * With `reader: 'stream'`, where Point lines are checked: `engine` sends lines that pass a
   * cheap shape test unparsed and lets the embedded engine parse them (a batch it rejects is
   * re-checked in Node); `node` parses every line with `JSON.parse` and sends only valid rows.
   * @default 'engine' on the embedded engine, 'node' on a server
   */
  validate?: 'engine' | 'node'
  /**
   * Who reads the file: `engine` lets the embedded engine read it (LineAsString, gzip by
   * extension) and parse every line natively — no per-line work in Node; `stream` streams it
   * through Node in `batchLines` batches (see `validate`).
   * @default 'engine' on the embedded engine, 'stream' on a server
   */
  reader?: 'engine' | 'stream'
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

const DATA_RE = /"data":\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^"]*","value":-?\d[^,]*,"tags":\{/
const METRIC_RE = /"metric":"[^"]/

/**
 * Cheap shape check of a k6 Point line in k6's own layout (no parse): `type` Point first (or
 * `metric` first), then `data` with `time`, `value`, `tags` in that order. In JSON a quote inside a
 * string is always escaped, so these unescaped substrings are structure. A line passing it goes to
 * the engine unparsed (if the engine then rejects the batch, Node re-checks it line by line, see
 * `engineInsert`); any other line is parsed and checked in Node.
 */
function looksLikePoint(text: string): boolean {
  return (
    text.charCodeAt(text.length - 1) === 125 &&
    (text.startsWith('{"type":"Point",') ||
      (text.startsWith('{"metric":"') && text.includes('"type":"Point"'))) &&
    DATA_RE.test(text) &&
    METRIC_RE.test(text)
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
  const reader = opts.reader ?? (store.engine === 'embedded' ? 'engine' : 'stream')
  if (reader === 'engine') {
    if (store.engine !== 'embedded') {
      throw new StoreError(
        'STORE_ERR_READER',
        "ingestK6: reader: 'engine' needs the embedded engine; use 'stream'",
      )
    }
    return ingestWithEngineReader(store, file, {
      runId,
      source,
      keepBad,
      totalBytes,
      onProgress: opts.onProgress,
    })
  }
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

const sqlString = (s: string) => `'${s.replace(/[\\']/g, '\\$&')}'`

/** Declaration line → k6_metrics row, or the reason it is malformed (undefined: not a declaration). */
function readDeclaration(runId: string, text: string): Record<string, unknown> | string | undefined {
  let v: {
    type?: unknown
    metric?: unknown
    data?: { name?: unknown; type?: unknown; contains?: unknown; thresholds?: unknown }
  }
  try {
    v = JSON.parse(text)
  } catch {
    return undefined // reported by the main pass as 'not JSON'
  }
  if (typeof v !== 'object' || v === null || v.type !== 'Metric') return undefined
  const d = v.data
  const name = typeof d?.name === 'string' ? d.name : typeof v.metric === 'string' ? v.metric : ''
  if (!name || typeof d?.type !== 'string') return 'Metric without `data.name` / `data.type`'
  return {
    run_id: runId,
    metric: name,
    type: d.type,
    contains: typeof d.contains === 'string' ? d.contains : '',
    thresholds: Array.isArray(d.thresholds) ? d.thresholds.map(String) : [],
  }
}

/**
 * The engine reads the file itself: one scan for the line count and the metric declarations
 * (a `position()` prefilter, no JSON parse), then one INSERT … SELECT that parses every line once
 * into the `k6_lines` Null table, whose views route valid Points to k6_samples (and k6_minute) and
 * malformed lines to k6_rejects. The insert's dedup token comes from (run, source, content
 * fingerprint); single-threaded reading keeps the blocks, and so the per-block tokens derived down
 * the views, identical between loads — a re-load is a no-op.
 */
async function ingestWithEngineReader(
  store: Store,
  file: string,
  o: {
    runId: string
    source: string
    keepBad: number
    totalBytes: number
    onProgress?: (p: IngestProgress) => void
  },
): Promise<IngestK6Result> {
  const src = `file(${sqlString(file)}, 'LineAsString')`
  const deterministic = { max_threads: 1, input_format_parallel_parsing: 0, max_insert_threads: '1' } as const
  const progress = (share: number, lines: number, points: number, bad: number) =>
    o.onProgress?.({ bytes: Math.round(o.totalBytes * share), totalBytes: o.totalBytes, lines, points, bad })
  progress(0, 0, 0, 0)

  // `fingerprint`: an order-sensitive content hash of the file, for the insert's dedup token.
  const [scan] = await queryRows<{ lines: number; fingerprint: string; decl: Array<[number, string]> }>(
    store,
    `SELECT count() AS lines, toString(groupBitXor(cityHash64(_row_number, line))) AS fingerprint,
            groupArrayIf((_row_number + 1, line), position(line, '"Metric"') > 0) AS decl
     FROM ${src}`,
    {},
  )
  const lines = Number(scan?.lines ?? 0)
  const badLines: BadK6Line[] = []
  const declarations: Record<string, unknown>[] = []
  for (const [n, text] of scan?.decl ?? []) {
    const d = readDeclaration(o.runId, text)
    if (typeof d === 'string') badLines.push({ line: Number(n), reason: d })
    else if (d) declarations.push(d)
  }
  if (declarations.length > 0) {
    await store.client.insert({ table: store.t('k6_metrics'), values: declarations, format: 'JSONEachRow' })
  }
  progress(0.1, lines, 0, badLines.length)

  const names = declarations.map((d) => String(d.metric))
  await store.client.command({
    query: `INSERT INTO ${store.t('k6_lines')} (run_id, source, line, type, reason, p)
      SELECT {run:String}, {source:String}, n, transform(p.metric, {names:Array(String)}, {types:Array(String)}, ''), reason, p
      FROM (
        SELECT _row_number + 1 AS n,
          JSONExtract(line, '${WRAPPED_STRUCTURE.slice(WRAPPED_STRUCTURE.indexOf('Tuple'))}') AS p,
          multiIf(
            NOT isValidJSON(line), 'not JSON',
            JSONType(line) != 'Object', 'not a JSON object',
            p.type = 'Metric', 'metric',
            p.type != 'Point', '\`type\` must be "Point" or "Metric"',
            p.metric = '', 'Point without \`metric\`',
            NOT match(p.data.time, '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}'), '\`data.time\` is not an ISO timestamp',
            JSONType(line, 'data', 'value') NOT IN ('Int64', 'UInt64', 'Double'), '\`data.value\` is not a finite number',
            '') AS reason
        FROM ${src}
        WHERE notEmpty(trimBoth(line))
      )`,
    query_params: { run: o.runId, source: o.source, names, types: declarations.map((d) => String(d.type)) },
    clickhouse_settings: {
      ...deterministic,
      // same run, source and content → same token (and, per block, the same derived tokens)
      insert_deduplication_token: createHash('sha1')
        .update(`${o.runId}\u0000${o.source}\u0000${lines}\u0000${scan?.fingerprint ?? ''}`)
        .digest('hex'),
      deduplicate_blocks_in_dependent_materialized_views: 1,
    },
  })
  progress(0.9, lines, 0, badLines.length)

  const params = { run: o.runId, source: o.source, limit: o.keepBad }
  const rejected = await queryRows<{ line: number; reason: string }>(
    store,
    `SELECT line, reason FROM ${store.t('k6_rejects')} FINAL
     WHERE run_id = {run:String} AND source = {source:String} ORDER BY line LIMIT {limit:UInt32}`,
    params,
  )
  const [counts] = await queryRows<{ bad: number; points: number }>(
    store,
    `SELECT (SELECT count() FROM ${store.t('k6_rejects')} FINAL WHERE run_id = {run:String} AND source = {source:String}) AS bad,
            (SELECT count() FROM ${store.t('k6_samples')} WHERE run_id = {run:String} AND source = {source:String}) AS points`,
    params,
  )
  const all = [...badLines, ...rejected.map((r) => ({ line: Number(r.line), reason: r.reason }))].sort(
    (a, b) => a.line - b.line,
  )
  const result: IngestK6Result = {
    runId: o.runId,
    source: o.source,
    lines,
    points: Number(counts?.points ?? 0),
    metrics: declarations.length,
    badCount: badLines.length + Number(counts?.bad ?? 0),
    badLines: all.slice(0, o.keepBad),
  }
  progress(1, lines, result.points, result.badCount)
  return result
}
