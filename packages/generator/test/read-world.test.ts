import { describe, expect, it } from 'vitest'
import { CSV_COLUMNS, ENTITY_KINDS } from '../src/entities.ts'
import { generateWorld } from '../src/generate.ts'
import { readManifest, readWorld } from '../src/read-world.ts'
import { World } from '../src/world.ts'
import { tempDir } from './helpers.ts'

describe('read-world', { timeout: 60_000 }, () => {
  it.each(['ndjson', 'csv'] as const)(
    'streams a %s world back, typed and equal to the generated rows',
    async (format) => {
      const out = tempDir(`rw-${format}`)
      const opts = { seed: 5, scale: 'tiny', calendar: '2022', format } as const
      await generateWorld({ ...opts, out })
      const world = new World(opts)
      const manifest = await readManifest(out)
      for (const kind of ENTITY_KINDS) {
        let i = 0
        for await (const row of readWorld(out, kind)) {
          if (i < 50) expect(row, `${kind} ${i}`).toEqual(world.row(kind, i))
          i++
        }
        expect(i).toBe(manifest.rows[kind])
      }
    },
  )

  it('reads a CSV shard other than the first on its own (columns from CSV_COLUMNS)', async () => {
    const out = tempDir('rw-csv-shard')
    const opts = { seed: 5, scale: 'tiny', calendar: '2022', format: 'csv' } as const
    await generateWorld({ ...opts, out, shard: { index: 2, count: 3 } })
    const world = new World(opts)
    const manifest = await readManifest(out)
    for (const kind of ENTITY_KINDS) {
      const [from, to] = manifest.ranges[kind]
      let i = from
      for await (const row of readWorld(out, kind)) {
        if (i < from + 20) expect(row, `${kind} ${i}`).toEqual(world.row(kind, i))
        i++
      }
      expect(i).toBe(to)
    }
  })

  it("CSV_COLUMNS lists every kind's fields in the order the generator writes them", () => {
    const world = new World({ seed: 9, scale: 'tiny', calendar: '2020' })
    for (const kind of ENTITY_KINDS) expect(Object.keys(world.row(kind, 0)), kind).toEqual(CSV_COLUMNS[kind])
  })
})
