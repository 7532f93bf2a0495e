import { parentPort, workerData } from 'node:worker_threads'
import { renderChunk } from './chunk.ts'
import type { GeneratorOptions } from './config.ts'
import type { EntityKind } from './entities.ts'
import { World } from './world.ts'

/** A generator worker: renders the chunks it is sent, in order, and transfers the bytes back. */
const options = workerData as GeneratorOptions
const world = new World(options)
parentPort?.on('message', (task: { id: number; kind: EntityKind; from: number; to: number }) => {
  const bytes = renderChunk(world, task.kind, task.from, task.to, options.format ?? 'ndjson')
  // renderChunk allocates unpooled, non-shared memory: the whole buffer can move to the main thread.
  parentPort?.postMessage({ id: task.id, bytes }, [bytes.buffer as ArrayBuffer])
})
