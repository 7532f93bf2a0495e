import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  isOversold,
  lastPublicationAt,
  publishedUnits,
  sellableLimit,
  stockPolicyFromLegacy,
  withinStock,
} from '../src/stock-policy.ts'

describe('stock policy: one vocabulary', () => {
  it('oversellShare is signed: over stock, exactly stock, held back', () => {
    expect(sellableLimit(100, 0.05)).toBe(105)
    expect(sellableLimit(100, 0)).toBe(100)
    expect(sellableLimit(100, -0.05)).toBe(95)
    expect(sellableLimit(20_000, -0.02)).toBe(19_600)
  })
  it('old names keep their meaning', () => {
    expect(stockPolicyFromLegacy({ policy: 'buffered', oversellBuffer: 0.05 })).toEqual({
      reservation: 'strict',
      oversellShare: 0.05,
    })
    expect(stockPolicyFromLegacy({ policy: 'synced', holdBackPercent: 2 })).toEqual({
      reservation: 'lagging',
      oversellShare: -0.02,
    })
    expect(
      stockPolicyFromLegacy({ policy: 'strict', holdBackPercent: 2, oversellShare: 0.1 }).oversellShare,
    ).toBe(0.1)
  })
  it('property: sales never pass the limit, and only sales beyond physical stock are oversold', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (stock, share) => {
          const limit = sellableLimit(stock, share)
          expect(withinStock(1, limit, stock, share)).toBe(false)
          if (limit > 0) expect(withinStock(1, limit - 1, stock, share)).toBe(true)
          expect(isOversold(stock, stock)).toBe(false)
          expect(isOversold(stock + 1, stock)).toBe(true)
        },
      ),
    )
  })
})

describe('lagging publications (lastPublicationAt, publishedUnits)', () => {
  it('publishes on the clock grid, a grid instant being its own publication', () => {
    const five = 5 * 60_000
    const at = Date.parse('2020-11-11T00:07:30+08:00')
    expect(lastPublicationAt(at, five)).toBe(Date.parse('2020-11-11T00:05:00+08:00'))
    expect(lastPublicationAt(Date.parse('2020-11-11T00:10:00+08:00'), five)).toBe(
      Date.parse('2020-11-11T00:10:00+08:00'),
    )
  })

  it('publishes stock less the known sales, never below 0', () => {
    expect(publishedUnits(5, 2)).toBe(3)
    expect(publishedUnits(5, 9)).toBe(0)
  })
})
