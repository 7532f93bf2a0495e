import type { GeneratorOptions } from './config.ts'
import type { EntityKind } from './entities.ts'
import { serializeRow } from './serialize.ts'
import type { World } from './world.ts'

/**
 * Rows `[from, to)` of `kind`, serialized as UTF-8 bytes. Each line is written straight into one
 * growing buffer: concatenating a chunk's lines into one string first and encoding it at the end
 * costs several µs per row (flattening a rope of two-byte strings).
 */
export function renderChunk(
  world: World,
  kind: EntityKind,
  from: number,
  to: number,
  format: NonNullable<GeneratorOptions['format']>,
): Uint8Array {
  // Own (unpooled) memory, so a worker can transfer it.
  let buf = Buffer.allocUnsafeSlow(Math.max(1 << 16, (to - from) * 512))
  let off = 0
  for (let i = from; i < to; i++) {
    const line = format === 'ndjson' ? world.line(kind, i) : serializeRow(world.row(kind, i), format)
    if (buf.length - off < line.length * 3) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(buf.length * 2, off + line.length * 3))
      buf.copy(bigger, 0, 0, off)
      buf = bigger
    }
    off += buf.write(line, off)
  }
  return buf.subarray(0, off)
}
