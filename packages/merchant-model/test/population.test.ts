import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MerchantError } from '../src/errors.ts'
import {
  assignProfiles,
  buildPopulation,
  DEFAULT_MIX,
  formatMix,
  merchantStockPolicies,
  mixCounts,
  parseMix,
  stockPolicyOf,
} from '../src/population.ts'
import { loadProfile } from '../src/profile.ts'

const ids = (n: number) => Array.from({ length: n }, (_, i) => `m${String(i).padStart(5, '0')}`)

describe('merchant population', () => {
  it('deals the default mix of 20 shops as 14 prepared, 4 understaffed, 2 oversell-prone', () => {
    const counts = new Map<string, number>()
    for (const name of assignProfiles(42, ids(20)).values()) counts.set(name, (counts.get(name) ?? 0) + 1)
    expect(Object.fromEntries(counts)).toEqual({ prepared: 14, understaffed: 4, 'oversell-prone': 2 })
  })

  it('is the same for a seed whatever the input order, and moves with the seed', () => {
    const a = assignProfiles(42, ids(200))
    const b = assignProfiles(42, ids(200).reverse())
    expect([...b].sort()).toEqual([...a].sort())
    const c = assignProfiles(43, ids(200))
    expect([...c].filter(([id, p]) => a.get(id) !== p).length).toBeGreaterThan(10)
  })

  it('counts add up to n and follow the shares within one merchant (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 5000 }),
        (weights, n) => {
          const total = weights.reduce((a, b) => a + b, 0)
          const mix = weights.map((w, i) => ({ profile: `p${i}`, share: w / total }))
          // shares that do not sum to exactly 1 in floating point are rejected: fix the last one
          const rest = mix.slice(0, -1).reduce((a, s) => a + s.share, 0)
          mix[mix.length - 1]!.share = 1 - rest
          if (!(mix[mix.length - 1]!.share > 0)) return
          const counts = mixCounts(mix, n)
          expect(counts.reduce((a, b) => a + b, 0)).toBe(n)
          for (const [i, c] of counts.entries()) {
            expect(Math.abs(c - mix[i]!.share * n)).toBeLessThanOrEqual(n >= mix.length ? mix.length : 1)
            if (n >= mix.length) expect(c).toBeGreaterThan(0)
          }
        },
      ),
    )
  })

  it('parses and formats a mix, and rejects a bad one naming the problem', () => {
    expect(parseMix(formatMix(DEFAULT_MIX))).toEqual(DEFAULT_MIX)
    for (const [text, fragment] of [
      ['prepared=0.5', 'sum to 0.5'],
      ['prepared', 'not profile=share'],
      ['prepared=0.5,prepared=0.5', 'twice'],
      ['prepared=1,understaffed=0', 'must be > 0'],
    ] as const) {
      let err: unknown
      try {
        parseMix(text)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(MerchantError)
      expect((err as MerchantError).code).toBe('MERCH_ERR_MIX')
      expect((err as MerchantError).message).toContain(fragment)
    }
  })

  it('loads each profile once; each merchant keeps its own stock policy, so any mix works', () => {
    const pop = buildPopulation(42, ids(20))
    expect(pop.byMerchant.size).toBe(20)
    expect(new Set(pop.byMerchant.values()).size).toBe(3)
    const policies = merchantStockPolicies(pop.byMerchant)
    expect(Object.keys(policies).sort()).toEqual(ids(20).sort())
    for (const [id, profile] of pop.byMerchant) {
      expect(policies[id]).toEqual({
        reservation: profile.name === 'oversell-prone' ? 'lagging' : 'strict',
        oversellShare: 0,
      })
    }
    // the old `buffered` name reads as strict selling its bufferShare past stock, beside a strict shop
    const buffered = loadProfile('prepared', {
      set: ['stock.reservation=buffered', 'stock.bufferShare=0.05'],
    })
    const mixed = merchantStockPolicies(
      new Map([
        ['m-1', buffered],
        ['m-2', loadProfile('prepared')],
        ['m-3', loadProfile('oversell-prone')],
      ]),
    )
    expect(mixed).toEqual({
      'm-1': { reservation: 'strict', oversellShare: 0.05 },
      'm-2': { reservation: 'strict', oversellShare: 0 },
      'm-3': { reservation: 'lagging', oversellShare: 0 },
    })
    expect(stockPolicyOf(buffered)).toEqual(mixed['m-1'])
  })
})
