import { ByteSink } from './bytes.ts'
import type { GeneratorOptions } from './config.ts'
import type { EntityKind } from './entities.ts'
import { serializeRow } from './serialize.ts'
import type { World } from './world.ts'

/**
 * Rows `[from, to)` of `kind`, serialized as UTF-8 bytes into `sink` (from its start; the result
 * is a view of its buffer, valid until the sink is written again). NDJSON rows are written field by field as bytes
 * ({@link World.writeLine}); CSV rows go through their row objects.
 */
export function renderChunk(
  world: World,
  kind: EntityKind,
  from: number,
  to: number,
  format: NonNullable<GeneratorOptions['format']>,
  sink: ByteSink = new ByteSink((to - from) * 512),
): Uint8Array {
  sink.off = 0
  for (let i = from; i < to; i++) {
    if (format === 'ndjson') world.writeLine(kind, i, sink)
    else sink.text(serializeRow(world.row(kind, i), format))
  }
  return sink.view()
}
