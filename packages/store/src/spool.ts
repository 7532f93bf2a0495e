import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { type FileHandle, mkdir, open, readdir, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import type { Store } from './connection.ts'
import { StoreError } from './errors.ts'
import {
  completeLines,
  liveWriter,
  removeWriterLock,
  segmentWriter,
  writeWriterLock,
} from './spool-recovery.ts'

/**
 * The spool: writers (platform, load runner, simulator) never open the store. Each writer appends
 * NDJSON lines `{"table": "<table>", "row": {...}}` (docs/contracts.md) to its own segment files
 * in a spool folder; one loader (`loadSpool`) owns the store and inserts them idempotently.
 *
 * Segment life cycle: `<writer>-<n>.ndjson.open` while written, renamed to `<writer>-<n>.ndjson`
 * once closed (fsync'd), renamed to `<writer>-<n>.ndjson.done` by the loader after the insert
 * succeeded. A dead server or a crashed loader therefore loses nothing: run the loader again.
 * A writer that died without closing leaves its segment `.open`: the loader recovers it up to its
 * last complete line once no live writer holds the segment's lock (spool-recovery.ts).
 */

/** Tables a spool line may target (docs/contracts.md, "Evidence rows"). */
export const SPOOL_TABLES = ['events', 'sla_verdicts', 'payouts', 'runs'] as const
export type SpoolTable = (typeof SPOOL_TABLES)[number]

/** Platform or simulator event. Missing string fields load as `''`, missing numbers as `0`. */
export interface EventRow {
  event_id: string
  run_id?: string
  kind: string
  sim_time?: number
  wall_time?: number
  merchant_id?: string
  order_id?: string
  sku_id?: string
  buyer_id?: string
  rule_id?: string
  amount_fen?: number
  /** JSON string. */
  detail?: string
}

export type SlaMetric =
  | 'pickup_48h'
  | 'trace_24h'
  | 'reply_rate'
  | 'manual_response_time'
  | 'experience_score'
  | 'complaint_48h'

export interface SlaVerdictRow {
  verdict_id: string
  run_id?: string
  merchant_id?: string
  order_id?: string
  rule_id?: string
  metric: SlaMetric
  /** 1 when the SLA was met. */
  ok: 0 | 1
  value?: number
  threshold?: number
  sim_time?: number
  wall_time?: number
}

export type PayoutCause = 'late_shipment' | 'oversell' | 'price_protection'

export interface PayoutRow {
  payout_id: string
  run_id?: string
  merchant_id?: string
  order_id?: string
  sku_id?: string
  cause: PayoutCause
  rule_id?: string
  /** Integer fen. */
  amount_fen: number
  wave?: number
  sim_time?: number
  wall_time?: number
}

/** Run manifest row (table `runs`); the row with the largest `updated_at` wins. */
export interface RunRow {
  run_id: string
  kind: 'load' | 'whatif' | 'serve'
  status: 'running' | 'passed' | 'failed' | 'interrupted'
  seed?: number
  scale?: number
  calendar?: string
  scenario?: string
  git_sha?: string
  /** JSON object string; `targetRate` (arrivals/s) feeds the report when k6 sent no `d11_target_rate`. */
  parameters?: string
  /** Epoch ms. */
  started_at?: number
  /** Epoch ms, 0 while running. */
  finished_at?: number
  /** Row version, epoch ms. */
  updated_at: number
}

export interface SpoolRows {
  events: EventRow
  sla_verdicts: SlaVerdictRow
  payouts: PayoutRow
  runs: RunRow
}

/** Identity column of each spool table: re-loading a row with the same identity is a no-op. */
export const SPOOL_IDENTITY: Record<SpoolTable, string> = {
  events: 'event_id',
  sla_verdicts: 'verdict_id',
  payouts: 'payout_id',
  runs: 'run_id',
}

export interface SpoolWriterOptions {
  /** Spool folder (created when missing). */
  dir: string
  /**
   * Name of this writer; its files are `<writerId>-<n>.ndjson`. Two live writers must not share one.
   * @default `w<pid>-<random>`
   */
  writerId?: string
  /**
   * Buffered lines that trigger a background write.
   * @default 500
   */
  batchLines?: number
  /**
   * Lines per segment file; a full segment is closed and handed to the loader.
   * @default 100000
   */
  segmentLines?: number
}

function isSpoolTable(t: unknown): t is SpoolTable {
  return typeof t === 'string' && (SPOOL_TABLES as readonly string[]).includes(t)
}

/**
 * Buffered, batched NDJSON appends to one writer's own segment files. `append` is synchronous and
 * cheap; full buffers are written in the background, `flush()` waits for everything appended so
 * far, `close()` flushes, fsyncs and hands the last segment to the loader.
 */
export class SpoolWriter {
  readonly dir: string
  readonly writerId: string
  private readonly batchLines: number
  private readonly segmentLines: number
  private buffer: string[] = []
  private chain: Promise<void> = Promise.resolve()
  private handle: FileHandle | undefined
  private segment = 0
  private segmentCount = 0
  private closed = false
  private locked = false
  private failure: unknown
  /** Group commit: the commit now running, and the one queued behind it (shared by its callers). */
  private commitRunning: Promise<void> | undefined
  private commitQueued: Promise<void> | undefined
  /** A write of the buffer is queued in `chain` and has not started yet. */
  private writeQueued = false

  constructor(opts: SpoolWriterOptions) {
    if (!opts?.dir) throw new StoreError('STORE_ERR_SPOOL_DIR', 'SpoolWriter: option `dir` is required')
    this.dir = opts.dir
    // A writer id only needs to be unique among live writers; this is not seeded data.
    this.writerId = opts.writerId ?? `w${process.pid}-${randomBytes(4).toString('hex')}`
    if (!/^[A-Za-z0-9_.-]+$/.test(this.writerId)) {
      throw new StoreError(
        'STORE_ERR_SPOOL_WRITER',
        `SpoolWriter: writerId "${this.writerId}" must match [A-Za-z0-9_.-]+`,
      )
    }
    this.batchLines = opts.batchLines ?? 500
    this.segmentLines = opts.segmentLines ?? 100_000
  }

  /** Appends one row; throws on an unknown table or a row without its identity field. */
  append<T extends SpoolTable>(table: T, row: SpoolRows[T]): void {
    if (this.closed)
      throw new StoreError('STORE_ERR_SPOOL_CLOSED', `SpoolWriter ${this.writerId}: append after close()`)
    if (!isSpoolTable(table)) {
      throw new StoreError(
        'STORE_ERR_SPOOL_TABLE',
        `SpoolWriter: table "${String(table)}" is not one of ${SPOOL_TABLES.join(', ')}`,
      )
    }
    const id = (row as unknown as Record<string, unknown>)[SPOOL_IDENTITY[table]]
    if (typeof id !== 'string' || id === '') {
      throw new StoreError(
        'STORE_ERR_SPOOL_ROW',
        `SpoolWriter: ${table} row needs a non-empty string \`${SPOOL_IDENTITY[table]}\``,
      )
    }
    this.buffer.push(JSON.stringify({ table, row }))
    if (this.buffer.length >= this.batchLines) this.schedule()
  }

  /** Resolves once every row appended so far is written to the current segment file. */
  async flush(): Promise<void> {
    this.schedule()
    await this.chain
    if (this.failure) throw this.failure
  }

  /**
   * Group commit: resolves once every row appended before the call is written to the segment file
   * and, with `sync`, fdatasync'd. Callers arriving while a commit runs share the next one, so
   * concurrent requests pay one write and one fsync per batch, like a database's WAL.
   */
  commit(sync = true): Promise<void> {
    if (this.commitQueued) return this.commitQueued
    const previous = this.commitRunning ?? Promise.resolve()
    const next: Promise<void> = previous
      .catch(() => {})
      .then(() => {
        // From here on, rows appended by later callers belong to the next commit.
        this.commitQueued = undefined
        this.commitRunning = next
        return this.writeAndSync(sync)
      })
      .finally(() => {
        if (this.commitRunning === next) this.commitRunning = undefined
      })
    this.commitQueued = next
    return next
  }

  private async writeAndSync(sync: boolean): Promise<void> {
    this.schedule()
    if (sync) {
      this.chain = this.chain
        .then(() => this.handle?.datasync())
        .catch((err) => {
          this.failure ??= err
        })
    }
    await this.chain
    if (this.failure) throw this.failure
  }

  /** Flushes, fsyncs and closes the current segment so the loader picks it up. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return this.chain
    await this.flush()
    this.closed = true
    this.chain = this.chain.then(async () => {
      await this.closeSegment()
      if (this.locked) await removeWriterLock(this.dir, this.writerId)
    })
    await this.chain
    if (this.failure) throw this.failure
  }

  /**
   * Queues one write of the buffer. At most one write waits in the chain: it takes every line
   * buffered by the time it runs. (A write per full batch made a commit behind a busy event loop
   * wait for one loop turn per batch queued ahead of it: hundreds of ms under overload.)
   */
  private schedule(): void {
    if (this.buffer.length === 0 || this.writeQueued) return
    this.writeQueued = true
    this.chain = this.chain
      .then(() => {
        this.writeQueued = false
        const lines = this.buffer
        this.buffer = []
        return lines.length > 0 ? this.write(lines) : undefined
      })
      .catch((err) => {
        this.failure ??= err
      })
  }

  private async write(lines: string[]): Promise<void> {
    let i = 0
    while (i < lines.length) {
      if (!this.handle) {
        await mkdir(this.dir, { recursive: true })
        if (!this.locked) {
          await writeWriterLock(this.dir, this.writerId)
          this.locked = true
        }
        this.segment += 1
        this.segmentCount = 0
        this.handle = await open(this.openPath(), 'a')
      }
      const take = Math.min(lines.length - i, this.segmentLines - this.segmentCount)
      await writeAll(this.handle, Buffer.from(`${lines.slice(i, i + take).join('\n')}\n`))
      this.segmentCount += take
      i += take
      if (this.segmentCount >= this.segmentLines) await this.closeSegment()
    }
  }

  private async closeSegment(): Promise<void> {
    if (!this.handle) return
    const h = this.handle
    this.handle = undefined
    await h.sync()
    await h.close()
    await rename(this.openPath(), this.openPath().slice(0, -'.open'.length))
  }

  private openPath(): string {
    return join(this.dir, `${this.writerId}-${String(this.segment).padStart(6, '0')}.ndjson.open`)
  }
}

/** One write call in practice (appendFile splits big data into 512 KiB writes, a loop turn each). */
async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset)
    offset += bytesWritten
  }
}

export interface LoadSpoolOptions {
  /** Fills `run_id` on rows that carry none. */
  runId?: string
  /**
   * Rows per INSERT.
   * @default 10000
   */
  batchRows?: number
  /**
   * Also read `.ndjson.open` segments whose writer is still running (complete lines only; never
   * marked done). Open segments whose writer is gone are always recovered and marked done.
   * @default false
   */
  includeOpen?: boolean
  /** Called after each file with its running totals. */
  onFile?: (file: string, result: SpoolFileResult) => void
}

export interface BadLine {
  file: string
  line: number
  reason: string
}

export interface SpoolFileResult {
  rows: number
  bad: number
}

export interface LoadSpoolResult {
  files: number
  rows: Record<SpoolTable, number>
  /** Malformed lines, and torn last lines (reason starts with `torn last line`): never loaded. */
  badLines: BadLine[]
  /** `.open` segments of writers that stopped without closing, loaded up to their last complete line. */
  recovered: Array<{ file: string; rows: number; tornBytes: number }>
  /** `.open` segments left alone because their writer still runs (see `includeOpen`). */
  openSkipped: Array<{ file: string; reason: string }>
}

/**
 * The one loader: inserts every closed segment of `dir` in batches and renames each file to
 * `.done` only after all of its rows were inserted. Re-running after a failure re-inserts the
 * unfinished file; tables are ReplacingMergeTree on the row identity, so nothing double-counts.
 */
export async function loadSpool(
  store: Store,
  dir: string,
  opts: LoadSpoolOptions = {},
): Promise<LoadSpoolResult> {
  const batchRows = opts.batchRows ?? 10_000
  const result: LoadSpoolResult = {
    files: 0,
    rows: { events: 0, sla_verdicts: 0, payouts: 0, runs: 0 },
    badLines: [],
    recovered: [],
    openSkipped: [],
  }
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return result
    throw err
  }
  const files: Array<{ name: string; recover: boolean }> = []
  for (const name of names.sort()) {
    if (name.endsWith('.ndjson')) files.push({ name, recover: false })
    else if (name.endsWith('.ndjson.open') && segmentWriter(name)) {
      const live = await liveWriter(dir, name)
      if (!live) files.push({ name, recover: true })
      else if (opts.includeOpen) files.push({ name, recover: false })
      else result.openSkipped.push({ file: name, reason: live })
    }
  }
  for (const { name, recover } of files) {
    const path = join(dir, name)
    const batches: Record<SpoolTable, Record<string, unknown>[]> = {
      events: [],
      sla_verdicts: [],
      payouts: [],
      runs: [],
    }
    const fileResult: SpoolFileResult = { rows: 0, bad: 0 }
    // Per table: pending rows and a running hash of their lines (the batch's dedup token).
    const hashes = new Map<SpoolTable, ReturnType<typeof createHash>>()
    const insert = async (table: SpoolTable) => {
      const values = batches[table]
      if (values.length === 0) return
      batches[table] = []
      // Same content → same token: a replayed batch is dropped by the engine's insert dedup (which
      // also keeps materialized views exact); ReplacingMergeTree on the identity is the backstop.
      const token = hashes.get(table)?.digest('hex') ?? ''
      hashes.delete(table)
      await store.client.insert({
        table: store.t(table),
        values,
        format: 'JSONEachRow',
        clickhouse_settings: {
          input_format_skip_unknown_fields: 1,
          input_format_defaults_for_omitted_fields: 1,
          insert_deduplication_token: token,
          deduplicate_blocks_in_dependent_materialized_views: 1,
        },
      })
      result.rows[table] += values.length
    }
    // Only newline-terminated lines are rows: a writer stopped mid-write leaves a torn tail.
    const { bytes, tornBytes } = await completeLines(path)
    const input = bytes > 0 ? createReadStream(path, { end: bytes - 1 }) : Readable.from([])
    const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
    let lineNo = 0
    for await (const line of rl) {
      lineNo += 1
      if (line.trim() === '') continue
      const parsed = parseSpoolLine(line)
      if (typeof parsed === 'string') {
        result.badLines.push({ file: name, line: lineNo, reason: parsed })
        fileResult.bad += 1
        continue
      }
      if (opts.runId && !parsed.row.run_id) parsed.row.run_id = opts.runId
      batches[parsed.table].push(parsed.row)
      let h = hashes.get(parsed.table)
      if (!h) {
        h = createHash('sha1').update(`${parsed.table}\n`)
        hashes.set(parsed.table, h)
      }
      h.update(JSON.stringify(parsed.row)).update('\n')
      fileResult.rows += 1
      if (batches[parsed.table].length >= batchRows) await insert(parsed.table)
    }
    for (const t of SPOOL_TABLES) await insert(t)
    if (tornBytes > 0) {
      const reason = `torn last line: ${tornBytes} bytes without a newline (the writer stopped mid-write), not loaded`
      result.badLines.push({ file: name, line: lineNo + 1, reason })
      fileResult.bad += 1
    }
    if (recover) {
      result.recovered.push({ file: name, rows: fileResult.rows, tornBytes })
      await rename(path, `${path.slice(0, -'.open'.length)}.done`)
    } else if (name.endsWith('.ndjson')) await rename(path, `${path}.done`)
    result.files += 1
    opts.onFile?.(name, fileResult)
  }
  return result
}

/** Parses one spool line; returns the reason as a string when it is malformed. */
export function parseSpoolLine(line: string): { table: SpoolTable; row: Record<string, unknown> } | string {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return 'not JSON'
  }
  if (typeof value !== 'object' || value === null) return 'not a JSON object'
  const { table, row } = value as { table?: unknown; row?: unknown }
  if (!isSpoolTable(table)) return `table must be one of ${SPOOL_TABLES.join(', ')}`
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return '`row` must be an object'
  const id = (row as Record<string, unknown>)[SPOOL_IDENTITY[table]]
  if (typeof id !== 'string' || id === '') return `${table} row needs \`${SPOOL_IDENTITY[table]}\``
  return { table, row: row as Record<string, unknown> }
}
