import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { CSV_COLUMNS, type EntityByKind, type EntityKind, type WorldManifest } from './entities.ts'
import { parseCsvCell, splitCsvLine } from './serialize.ts'

/** Reads and returns `manifest.json` of a world directory. */
export async function readManifest(dir: string): Promise<WorldManifest> {
  return JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as WorldManifest
}

/**
 * Streams the rows of one entity kind of a world directory (NDJSON or CSV, as its manifest says;
 * any shard on its own), typed, one at a time: memory stays flat whatever the scale.
 *
 * ```ts
 * for await (const order of readWorld('data/', 'orders')) console.log(order.id, order.totalFen)
 * ```
 */
export async function* readWorld<K extends EntityKind>(
  dir: string,
  kind: K,
): AsyncGenerator<EntityByKind[K]> {
  const manifest = await readManifest(dir)
  const entry = manifest.files[kind]
  const lines = createInterface({
    input: createReadStream(join(dir, entry.file)),
    crlfDelay: Number.POSITIVE_INFINITY,
  })
  if (manifest.format === 'ndjson') {
    for await (const line of lines) if (line) yield JSON.parse(line) as EntityByKind[K]
    return
  }
  // Only shard 1 (or a whole world) carries the header; a later shard reads on its own too.
  let columns: readonly string[] | undefined =
    manifest.shard && manifest.shard.index > 1 ? CSV_COLUMNS[kind] : undefined
  for await (const line of lines) {
    if (!line) continue
    if (!columns) {
      columns = splitCsvLine(line)
      continue
    }
    const cells = splitCsvLine(line)
    const row: Record<string, unknown> = {}
    for (let i = 0; i < columns.length; i++) row[columns[i]!] = parseCsvCell(cells[i] ?? '')
    yield row as unknown as EntityByKind[K]
  }
}
