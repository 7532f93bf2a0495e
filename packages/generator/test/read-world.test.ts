import { describe, expect, it } from 'vitest'
import { ENTITY_KINDS } from '../src/entities.ts'
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
})
