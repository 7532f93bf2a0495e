import Compile from 'typebox/compile'
import { describe, expect, it } from 'vitest'
import { ENTITY_KINDS, ROW_SCHEMAS } from '../src/entities.ts'
import { World } from '../src/world.ts'

// The row schemas are the one definition of a world row (types via Static, the platform's load
// checks via Pick): every row the generator builds must pass them, in both calendars.
describe('row schemas', { timeout: 60_000 }, () => {
  it.each(['2020', '2022'] as const)('hold every generated row of a tiny %s world', (calendar) => {
    const world = new World({ seed: 3, scale: 'tiny', calendar, format: 'ndjson' })
    for (const kind of ENTITY_KINDS) {
      const check = Compile(ROW_SCHEMAS[kind])
      const n = Math.min(world.counts[kind], 2_000)
      expect(n, kind).toBeGreaterThan(0)
      for (let i = 0; i < n; i++) {
        const row = world.row(kind, i)
        if (!check.Check(row)) {
          const e = check.Errors(row)[0]
          expect.fail(`${kind} ${i}: ${e?.instancePath} ${e?.message}`)
        }
      }
    }
  })

  it('reject a row that breaks them: field and rule named by the schema', () => {
    const world = new World({ seed: 3, scale: 'tiny', calendar: '2022', format: 'ndjson' })
    const check = Compile(ROW_SCHEMAS.skus)
    const sku = world.row('skus', 0)
    expect(check.Check(sku)).toBe(true)
    expect(check.Check({ ...sku, listPriceFen: 12.5 })).toBe(false)
    expect(check.Check({ ...sku, stock: -1 })).toBe(false)
    expect(check.Errors({ ...sku, campaignPrices: [{ campaign: 'x' }] })[0]?.instancePath).toMatch(
      /^\/campaignPrices\/0/,
    )
  })
})
