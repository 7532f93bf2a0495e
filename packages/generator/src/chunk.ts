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
  const parts: string[] = []
  for (let i = from; i < to; i++) parts.push(serializeRow(world.row(kind, i), format))
  return parts.join('')
}
