import type { RunFigures } from '@d11/store/analysis'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareFigures, formatComparison, parseBudgets } from '../src/compare.ts'

const base: RunFigures = {
  p50: 40,
  p95: 80,
  p99: 100,
  error_rate: 0.01,
  dropped: 0,
  achieved: 1,
  payout: 1_000_000,
  sla_ok: 0.95,
}

describe('parseBudgets', () => {
  it('reads relative and absolute budgets', () => {
    expect(parseBudgets('p99+10%, payout+5%,error_rate+0.005,achieved-2%')).toEqual([
      { figure: 'p99', amount: 0.1, relative: true, text: 'p99+10%' },
      { figure: 'payout', amount: 0.05, relative: true, text: 'payout+5%' },
      { figure: 'error_rate', amount: 0.005, relative: false, text: 'error_rate+0.005' },
      { figure: 'achieved', amount: 0.02, relative: true, text: 'achieved-2%' },
    ])
  })

  it('names the bad entry: syntax, unknown figure, wrong direction', () => {
    expect(() => parseBudgets('p99>10%')).toThrow(/--fail-on: "p99>10%"/)
    expect(() => parseBudgets('p42+1%')).toThrow(/unknown figure "p42"/)
    expect(() => parseBudgets('achieved+1%')).toThrow(/write achieved-1%/)
  })
})

describe('compareFigures', () => {
  it('an identical run breaks no budget', () => {
    const rows = compareFigures(base, { ...base }, parseBudgets('p99+0%,payout+0%,achieved-0%,sla_ok-0%'))
    expect(rows.filter((r) => r.broken)).toEqual([])
  })

  it('flags exactly the budgets exceeded', () => {
    const run = { ...base, p99: 111, payout: 1_040_000, achieved: 0.97 }
    const rows = compareFigures(base, run, parseBudgets('p99+10%,payout+5%,achieved-2%'))
    expect(rows.filter((r) => r.broken).map((r) => r.figure)).toEqual(['p99', 'achieved'])
    const table = formatComparison(rows, 'base', 'run')
    expect(table).toMatch(/p99\s+100\.0 ms\s+111\.0 ms\s+\+11\.0%\s+p99\+10%\s+FAIL/)
    expect(table).toMatch(/payout\s+¥10000\.00\s+¥10400\.00\s+\+4\.0%\s+payout\+5%\s+ok/)
  })

  it('property: a relative budget breaks iff the worsening exceeds it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: 0, max: 100 }),
        (b, r, pct) => {
          const [row] = compareFigures(
            { ...base, p99: b },
            { ...base, p99: r },
            parseBudgets(`p99+${pct}%`),
          ).filter((x) => x.figure === 'p99')
          expect(row?.broken).toBe(r - b > (b * pct) / 100 + 1e-9 * b)
        },
      ),
    )
  })
})
