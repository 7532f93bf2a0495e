import { type MessagePort, parentPort, workerData } from 'node:worker_threads'
import { ByteSink } from './bytes.ts'
import { renderChunk } from './chunk.ts'
import type { GeneratorOptions } from './config.ts'
import type { EntityKind } from './entities.ts'
import { World } from './world.ts'

/**
 * A generator worker: renders the chunks it is sent, in order, into the buffer that came with the
 * task (a written chunk's memory, handed back) or fresh memory, and transfers the bytes back on
 * the results port, which the main thread polls.
 */
const { options, results } = workerData as { options: GeneratorOptions; results: MessagePort }
const world = new World(options)
const sink = new ByteSink(1 << 20)
results.postMessage({ ready: true })
parentPort?.on(
  'message',
  (task: { id: number; kind: EntityKind; from: number; to: number; buffer?: ArrayBuffer }) => {
    if (task.buffer) sink.reuse(task.buffer)
    const bytes = renderChunk(world, task.kind, task.from, task.to, options.format ?? 'ndjson', sink)
    results.postMessage({ id: task.id, bytes }, [bytes.buffer as ArrayBuffer])
    sink.detach()
  },
)
