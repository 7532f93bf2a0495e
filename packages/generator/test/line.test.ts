import { describe, expect, it } from 'vitest'
import { ENTITY_KINDS } from '../src/entities.ts'
import { World } from '../src/world.ts'

// The NDJSON fast path templates the high-volume kinds by hand: it must stay byte-for-byte
// `JSON.stringify(row)`, for every kind, at several seeds and calendars.
describe('World.line equals JSON.stringify(row)', () => {
  for (const [seed, calendar] of [
    [42, '2022'],
    [7, '2020'],
  ] as const) {
    const world = new World({ seed, scale: 'tiny', calendar })
    it.each(ENTITY_KINDS)(`seed ${seed} calendar ${calendar}: %s`, (kind) => {
      const n = world.counts[kind]
      const step = Math.max(1, Math.floor(n / 400))
      for (let i = 0; i < n; i += step) {
        expect(world.line(kind, i), `${kind} ${i}`).toBe(`${JSON.stringify(world.row(kind, i))}\n`)
      }
    })
  }
})
