import { createHash } from 'node:crypto'
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads'
import { ByteSink } from './bytes.ts'
import { renderChunk } from './chunk.ts'
import { GeneratorError, type GeneratorOptions } from './config.ts'
import { CSV_COLUMNS, ENTITY_KINDS, type EntityKind, type WorldManifest } from './entities.ts'
import { csvHeader } from './serialize.ts'
import { workerEntry } from './worker-bundle.ts'
import { World } from './world.ts'

export interface GenerateOptions extends GeneratorOptions {
  /** output directory (created when missing) */
  out: string
  /** 1-based shard `{ index, count }`; `null`/absent = the whole world */
  shard?: { index: number; count: number } | null
  /** worker threads; 1 renders in this thread. @default 1 */
  workers?: number
  /** rows per chunk handed to a worker (an order chunk is ~4 MB: fewer, larger writes). @default 10000 */
  chunkRows?: number
  /** called after each chunk is written */
  onProgress?: (p: { kind: EntityKind; rowsDone: number; rowsTotal: number }) => void
}

export const GENERATOR_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version

/** Index range `[from, to)` of shard `index`/`count` (1-based) over `total` rows. */
export function shardRange(total: number, shard?: { index: number; count: number } | null): [number, number] {
  if (!shard) return [0, total]
  return [
    Math.floor((total * (shard.index - 1)) / shard.count),
    Math.floor((total * shard.index) / shard.count),
  ]
}

interface Task {
  kind: EntityKind
  from: number
  to: number
}

/**
 * Generates a world directory: one file per entity kind plus `manifest.json`. Files are written
 * under temporary names and renamed at the end, the manifest last, so an interrupted run never
 * leaves a directory that looks complete. The bytes depend only on (seed, scale, calendar, format,
 * options) and the shard: never on `workers` or `chunkRows`.
 */
export async function generateWorld(opts: GenerateOptions): Promise<WorldManifest> {
  const format = opts.format ?? 'ndjson'
  const world = new World({ ...opts, format })
  const out = resolve(opts.out)
  try {
    mkdirSync(out, { recursive: true })
  } catch (err) {
    throw new GeneratorError(`--out: cannot create "${opts.out}": ${(err as Error).message}`, '--out')
  }
  const tag = `.tmp-${process.pid}-${Date.now().toString(36)}`
  const ext = format === 'csv' ? 'csv' : 'ndjson'
  const ranges = {} as Record<EntityKind, [number, number]>
  for (const kind of ENTITY_KINDS) ranges[kind] = shardRange(world.counts[kind], opts.shard)
  const chunkRows = Math.max(1, opts.chunkRows ?? 10_000)
  const tasks: Task[] = []
  for (const kind of ENTITY_KINDS) {
    const [from, to] = ranges[kind]
    for (let a = from; a < to; a += chunkRows) tasks.push({ kind, from: a, to: Math.min(to, a + chunkRows) })
  }
  const rowsTotal = ENTITY_KINDS.reduce((s, k) => s + ranges[k][1] - ranges[k][0], 0)
  const files = {} as WorldManifest['files']
  const tmpPaths: string[] = []
  const workers = Math.max(1, Math.floor(opts.workers ?? 1))
  const pool =
    workers > 1
      ? new ChunkPool(workers, await workerEntry(), { ...stripFunctions(opts), format }, world)
      : undefined
  let current:
    | { kind: EntityKind; fd: number; hash: ReturnType<typeof createHash>; bytes: number }
    | undefined
  let rowsDone = 0

  // Writes are synchronous: the chunk's buffer is free again as soon as `write` returns, so it
  // is recycled (no fresh multi-megabyte buffers per chunk for the GC to chase), and on two
  // cores a background write thread would take its CPU from the renderers anyway.
  const openKind = (kind: EntityKind) => {
    const tmp = join(out, `${kind}.${ext}${tag}`)
    tmpPaths.push(tmp)
    let fd: number
    try {
      fd = openSync(tmp, 'w')
    } catch (err) {
      throw new GeneratorError(`--out: cannot write "${tmp}": ${(err as Error).message}`, '--out')
    }
    current = { kind, fd, hash: createHash('sha256'), bytes: 0 }
    if (format === 'csv' && (!opts.shard || opts.shard.index === 1) && world.counts[kind] > 0) {
      write(Buffer.from(csvHeader(CSV_COLUMNS[kind])))
    }
  }
  const write = (buf: Uint8Array) => {
    const c = current!
    c.hash.update(buf)
    c.bytes += buf.byteLength
    for (let off = 0; off < buf.byteLength; ) off += writeSync(c.fd, buf, off)
  }
  const closeKind = () => {
    const c = current!
    closeSync(c.fd)
    files[c.kind] = { file: `${c.kind}.${ext}`, sha256: c.hash.digest('hex'), bytes: c.bytes }
    current = undefined
  }

  try {
    const done = new Set<EntityKind>()
    const openThrough = (kind: EntityKind) => {
      // Open (and close) files in kind order, including kinds with no rows in this shard.
      for (const k of ENTITY_KINDS) {
        if (done.has(k)) continue
        if (current?.kind === k) {
          if (k === kind) return
          closeKind()
          done.add(k)
          continue
        }
        openKind(k)
        if (k === kind) return
        closeKind()
        done.add(k)
      }
    }
    const writeTask = (task: Task, bytes: Uint8Array) => {
      openThrough(task.kind)
      write(bytes)
      rowsDone += task.to - task.from
      opts.onProgress?.({ kind: task.kind, rowsDone, rowsTotal })
    }
    if (pool) await pool.run(tasks, writeTask)
    else {
      const sink = new ByteSink(1 << 20)
      for (const task of tasks) {
        writeTask(task, renderChunk(world, task.kind, task.from, task.to, format, sink))
        // Let progress bars redraw and signals land.
        await new Promise((r) => setImmediate(r))
      }
    }
    openThrough(ENTITY_KINDS[ENTITY_KINDS.length - 1]!)
    if (current) {
      done.add(current.kind)
      closeKind()
    }
  } catch (err) {
    if (current) closeSync(current.fd)
    for (const p of tmpPaths) rmSync(p, { force: true })
    throw err
  } finally {
    await pool?.close()
  }

  const rows = {} as Record<EntityKind, number>
  for (const kind of ENTITY_KINDS) rows[kind] = ranges[kind][1] - ranges[kind][0]
  const manifest: WorldManifest = {
    generator: { name: '@d11/generator', version: GENERATOR_VERSION },
    seed: opts.seed,
    scale: opts.scale,
    calendar: opts.calendar,
    format,
    shard: opts.shard ?? null,
    rows,
    ranges,
    files,
  }
  const tmpManifest = join(out, `manifest.json${tag}`)
  try {
    // An old manifest must not vouch for a half-renamed directory.
    rmSync(join(out, 'manifest.json'), { force: true })
    for (const kind of ENTITY_KINDS)
      renameSync(join(out, `${kind}.${ext}${tag}`), join(out, files[kind].file))
    await writeFile(tmpManifest, `${JSON.stringify(manifest, null, 2)}\n`)
    renameSync(tmpManifest, join(out, 'manifest.json'))
  } catch (err) {
    for (const p of [...tmpPaths, tmpManifest]) rmSync(p, { force: true })
    throw new GeneratorError(`--out: cannot finish "${opts.out}": ${(err as Error).message}`, '--out')
  }
  return manifest
}

function stripFunctions(opts: GenerateOptions): GeneratorOptions {
  const { onProgress: _p, ...rest } = opts
  return rest
}

/**
 * `n` renderers: `n - 1` worker threads plus this thread (one V8 heap fewer than `n` workers, so
 * peak RSS stays lower). This thread writes finished chunks in order, hashing them as it goes,
 * and renders a chunk itself whenever nothing is ready to write, so on 2 cores hashing, writing
 * and rendering share the cores and nobody waits. It polls the workers' result ports
 * synchronously (`receiveMessageOnPort`) because, while it renders, its event loop does not turn;
 * workers get tasks once they report ready, so their start-up never stalls the writer. Chunk
 * buffers travel with the tasks and come back with the results (transferred, never copied).
 */
class ChunkPool {
  private readonly workers: Array<{
    worker: Worker
    results: MessagePort
    ready: boolean
    inFlight: number
  }> = []
  /** finished chunks by task index, until written */
  private readonly results = new Map<number, Uint8Array>()
  /** written chunks' memory, for the next tasks */
  private readonly spare: ArrayBuffer[] = []
  private failure: Error | undefined

  constructor(
    n: number,
    entry: URL,
    private readonly options: GeneratorOptions,
    private readonly world: World,
  ) {
    for (let w = 1; w < n; w++) {
      const { port1, port2 } = new MessageChannel()
      const worker = new Worker(entry, {
        workerData: { options, results: port2 },
        transferList: [port2],
      })
      worker.on('error', (err) => {
        this.failure = err
      })
      this.workers.push({ worker, results: port1, ready: false, inFlight: 0 })
    }
  }

  /** Takes every result the workers have sent so far, without waiting. */
  private poll(): void {
    for (const w of this.workers) {
      for (let m = receiveMessageOnPort(w.results); m; m = receiveMessageOnPort(w.results)) {
        const msg = m.message as { ready: true } | { id: number; bytes: Uint8Array }
        if ('ready' in msg) w.ready = true
        else {
          this.results.set(msg.id, msg.bytes)
          w.inFlight--
        }
      }
    }
  }

  /**
   * Renders every task and hands the bytes to `write` in task order. At most `window` chunks are
   * rendered ahead of the writer (memory), and each ready worker keeps two queued so it never idles.
   */
  async run(tasks: readonly Task[], write: (task: Task, bytes: Uint8Array) => void): Promise<void> {
    const window = 4 * (this.workers.length + 1)
    const format = this.options.format ?? 'ndjson'
    const sink = new ByteSink(1 << 20)
    let next = 0
    let written = 0
    let lastYield = performance.now()
    while (written < tasks.length) {
      if (this.failure) throw this.failure
      this.poll()
      for (const w of this.workers) {
        while (w.ready && w.inFlight < 2 && next < tasks.length && next - written < window) {
          const buffer = this.spare.pop()
          w.inFlight++
          w.worker.postMessage({ id: next, ...tasks[next++]!, buffer }, buffer ? [buffer] : [])
        }
      }
      const ready = this.results.get(written)
      if (ready) {
        this.results.delete(written)
        write(tasks[written]!, ready)
        written++
        this.spare.push(ready.buffer as ArrayBuffer)
      } else if (next < tasks.length && next - written < window) {
        // Nothing to write yet: render the next chunk here rather than wait.
        const task = tasks[next]!
        const spare = this.spare.pop()
        if (spare) sink.reuse(spare)
        this.results.set(next++, renderChunk(this.world, task.kind, task.from, task.to, format, sink))
        sink.detach()
      } else {
        // Everything left is in the workers' hands.
        await new Promise((r) => setTimeout(r, 1))
        lastYield = performance.now()
      }
      if (performance.now() - lastYield > 50) {
        // Let progress bars redraw and signals land.
        await new Promise((r) => setImmediate(r))
        lastYield = performance.now()
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()))
  }
}
