import { describe, expect, it } from 'vitest'
import { agrees, diffResults } from '../src/compare.ts'
import { simulate } from '../src/engine.ts'
import { loadScenario } from '../src/scenario.ts'
import { PHONE } from './helpers.ts'

describe('one scenario, two engines: the result shape diffs per cause', () => {
  const s = loadScenario(PHONE)
  const a = simulate(s)

  it('a result agrees with itself exactly', () => {
    const d = diffResults(a, a)
    expect(d.payouts.total.deltaFen).toBe(0)
    expect(agrees(d, 0)).toBe(true)
  })

  it('a different run shows per-cause deltas in late counts and payouts', () => {
    const b = simulate({ ...s, warehouse: { ...s.warehouse, picksPerHour: 400 } })
    const d = diffResults(a, b)
    expect(d.late.oversell.delta).toBe(0)
    expect(d.late.capacity.delta).toBe(b.late.capacity)
    expect(d.payouts.late_shipment.deltaFen).toBe(
      b.payouts.late_shipment.amountFen - a.payouts.late_shipment.amountFen,
    )
    expect(agrees(d, 0.1)).toBe(false)
  })
})
