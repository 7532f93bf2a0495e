import type { GeneratorOptions } from './config.ts'
import type { EntityKind } from './entities.ts'
import { serializeRow } from './serialize.ts'
import type { World } from './world.ts'

/** Rows `[from, to)` of `kind`, serialized, as one string. */
export function renderChunk(
  world: World,
  kind: EntityKind,
  from: number,
  to: number,
  format: NonNullable<GeneratorOptions['format']>,
): string {
  let text = ''
  for (let i = from; i < to; i++) text += serializeRow(world.row(kind, i), format)
  return text
}
