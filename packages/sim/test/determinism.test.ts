import { describe, expect, it } from 'vitest'
import { simulate } from '../src/engine.ts'
import { loadScenario } from '../src/scenario.ts'
import { PHONE } from './helpers.ts'

describe('seeded and deterministic', () => {
  const scenario = loadScenario(PHONE)

  it('the same seed gives identical results, evidence rows included', () => {
    const rows = (seed: number) => {
      const out: string[] = []
      const sink = {
        payout: (p: object) => out.push(JSON.stringify(p)),
        verdict: (v: object) => out.push(JSON.stringify(v)),
        event: (e: object) => out.push(JSON.stringify(e)),
      }
      const r = simulate({ ...scenario, seed }, { sink, evidence: 'violations' })
      return { r, out }
    }
    const a = rows(7)
    const b = rows(7)
    expect(b.r).toEqual(a.r)
    expect(b.out).toEqual(a.out)
    expect(a.out.length).toBeGreaterThan(0)
  })

  it('another seed gives other draws', () => {
    const a = simulate({ ...scenario, seed: 1 }, {})
    const b = simulate({ ...scenario, seed: 2 }, {})
    expect(b.complaints.filed === a.complaints.filed && b.orders.oversold === a.orders.oversold).toBe(false)
  })
})
