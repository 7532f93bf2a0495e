import { describe, expect, it } from 'vitest'
import { CAUSE_LATE, CAUSE_OVERSELL, compensationFor, PayoutAmounts } from '../src/payout-amounts.ts'
import { at, twoVersions } from './helpers.ts'

describe('PayoutAmounts', () => {
  it('caches per SKU and per ruleset version what compensationFor answers', () => {
    const rules = twoVersions(at('2020-11-20T00:00:00+08:00'), 20_000)
    const [v1, v2] = rules.versions!
    const table = new PayoutAmounts([599_900, 1_000], [false, true])
    expect(table.amountFen(0, CAUSE_LATE, v1!)).toBe(50_000)
    expect(table.amountFen(0, CAUSE_LATE, v2!)).toBe(20_000)
    expect(table.ruleId(0, CAUSE_OVERSELL, v2!)).toBe('PAY-3')
    expect(table.amountFen(1, CAUSE_LATE, v1!)).toBe(compensationFor(1_000, true, false, v1!).amountFen)
    expect(table.ruleId(1, CAUSE_LATE, v1!)).toBe(compensationFor(1_000, true, false, v1!).ruleId)
  })
  it('bad input throws with the rule ID', () => {
    expect(() => compensationFor(-1, false, false, twoVersions(0, 1).versions![0]!)).toThrow(/PAY-1/)
  })
})
