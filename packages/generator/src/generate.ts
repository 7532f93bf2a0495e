import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream, mkdirSync, readFileSync, renameSync, rmSync, type WriteStream } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { Worker } from 'node:worker_threads'
import { renderChunk } from './chunk.ts'
import { GeneratorError, type GeneratorOptions } from './config.ts'
import { ENTITY_KINDS, type EntityKind, type WorldManifest } from './entities.ts'
import { csvHeader } from './serialize.ts'
import { World } from './world.ts'

export interface GenerateOptions extends GeneratorOptions {
  /** output directory (created when missing) */
  out: string
  /** 1-based shard `{ index, count }`; `null`/absent = the whole world */
  shard?: { index: number; count: number } | null
  /** worker threads; 1 renders in this thread. @default 1 */
  workers?: number
  /** rows per chunk handed to a worker. @default 5000 */
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
  const chunkRows = Math.max(1, opts.chunkRows ?? 5_000)
  const tasks: Task[] = []
  for (const kind of ENTITY_KINDS) {
    const [from, to] = ranges[kind]
    for (let a = from; a < to; a += chunkRows) tasks.push({ kind, from: a, to: Math.min(to, a + chunkRows) })
  }
  const rowsTotal = ENTITY_KINDS.reduce((s, k) => s + ranges[k][1] - ranges[k][0], 0)
  const files = {} as WorldManifest['files']
  const tmpPaths: string[] = []
  const workers = Math.max(1, Math.floor(opts.workers ?? 1))
  const pool = workers > 1 ? new ChunkPool(workers, { ...stripFunctions(opts), format }, world) : undefined
  let current:
    | { kind: EntityKind; stream: WriteStream; hash: ReturnType<typeof createHash>; bytes: number }
    | undefined
  let rowsDone = 0

  const openKind = async (kind: EntityKind) => {
    const tmp = join(out, `${kind}.${ext}${tag}`)
    tmpPaths.push(tmp)
    const stream = createWriteStream(tmp)
    await Promise.race([
      once(stream, 'open'),
      once(stream, 'error').then(([err]) => {
        throw new GeneratorError(`--out: cannot write "${tmp}": ${(err as Error).message}`, '--out')
      }),
    ])
    current = { kind, stream, hash: createHash('sha256'), bytes: 0 }
    if (format === 'csv' && (!opts.shard || opts.shard.index === 1) && world.counts[kind] > 0) {
      await write(Buffer.from(csvHeader(Object.keys(world.row(kind, 0)))))
    }
  }
  const write = async (buf: Uint8Array) => {
    const c = current!
    c.hash.update(buf)
    c.bytes += buf.byteLength
    if (!c.stream.write(buf)) await once(c.stream, 'drain')
  }
  const closeKind = async () => {
    const c = current!
    c.stream.end()
    await once(c.stream, 'finish')
    files[c.kind] = { file: `${c.kind}.${ext}`, sha256: c.hash.digest('hex'), bytes: c.bytes }
    current = undefined
  }

  try {
    const pending: Array<{ task: Task; result: Promise<Uint8Array> }> = []
    let next = 0
    const window = workers * 2
    const submit = () => {
      while (next < tasks.length && pending.length < window) {
        const task = tasks[next++]!
        const result = pool
          ? pool.run(task)
          : Promise.resolve(renderChunk(world, task.kind, task.from, task.to, format))
        pending.push({ task, result })
      }
    }
    const done = new Set<EntityKind>()
    const openThrough = async (kind: EntityKind) => {
      // Open (and close) files in kind order, including kinds with no rows in this shard.
      for (const k of ENTITY_KINDS) {
        if (done.has(k)) continue
        if (current?.kind === k) {
          if (k === kind) return
          await closeKind()
          done.add(k)
          continue
        }
        await openKind(k)
        if (k === kind) return
        await closeKind()
        done.add(k)
      }
    }
    submit()
    while (pending.length > 0) {
      const { task, result } = pending.shift()!
      const bytes = await result
      submit()
      await openThrough(task.kind)
      await write(bytes)
      rowsDone += task.to - task.from
      opts.onProgress?.({ kind: task.kind, rowsDone, rowsTotal })
    }
    await openThrough(ENTITY_KINDS[ENTITY_KINDS.length - 1]!)
    if (current) {
      done.add(current.kind)
      await closeKind()
    }
  } catch (err) {
    current?.stream.destroy()
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
 * `n` renderers: this thread plus `n - 1` worker threads (one V8 heap fewer than `n` workers, so
 * peak RSS stays lower). Tasks go round-robin, so each renderer answers in order.
 */
class ChunkPool {
  private readonly workers: Worker[] = []
  private readonly waiting: Array<
    Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>
  > = []
  private nextId = 0

  constructor(
    private readonly n: number,
    private readonly options: GeneratorOptions,
    private readonly world: World,
  ) {
    for (let w = 1; w < n; w++) {
      const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: options })
      const waiting = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>()
      worker.on('message', (msg: { id: number; bytes: Uint8Array }) => {
        waiting.get(msg.id)?.resolve(msg.bytes)
        waiting.delete(msg.id)
      })
      worker.on('error', (err) => {
        for (const p of waiting.values()) p.reject(err)
        waiting.clear()
      })
      this.workers.push(worker)
      this.waiting.push(waiting)
    }
  }

  run(task: Task): Promise<Uint8Array> {
    const id = this.nextId++
    const slot = id % this.n
    if (slot === 0) {
      // This thread's share, rendered after pending I/O so writes keep flowing.
      return new Promise((resolve) =>
        setImmediate(() =>
          resolve(renderChunk(this.world, task.kind, task.from, task.to, this.options.format ?? 'ndjson')),
        ),
      )
    }
    return new Promise((resolve, reject) => {
      this.waiting[slot - 1]!.set(id, { resolve, reject })
      this.workers[slot - 1]!.postMessage({ id, ...task })
    })
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}
