import { eligibilityVerdict } from '@d11/rules/registration'
import { rulesetAt } from '@d11/rules/ruleset'
import { describe, expect, it } from 'vitest'
import { newDecision } from '../src/decision.ts'
import { registrationDecision } from '../src/registration.ts'
import { at, rules2020 } from './helpers.ts'

const shop = { violationPoints: 0, activityLevel: 5, compositeRankingPct: 10, basicServiceScore: 4.9 }
const reg = { merchantId: 'm1', skuId: 's1', node: 'wave1Spot' as const, shop, crossStoreCoupon: true }
const inWindow = at('2020-09-18T00:00:00+08:00')

describe('registrationDecision (REG-1..4)', () => {
  it('accepts a qualifying registration inside its node window', () => {
    expect(registrationDecision(reg, [], inWindow, rules2020, newDecision()).ok).toBe(true)
  })
  it('REG-1: outside the node window', () => {
    const d = registrationDecision(reg, [], at('2020-09-26T00:00:00+08:00'), rules2020, newDecision())
    expect(d).toMatchObject({ ok: false, ruleId: 'REG-1', field: 'node' })
  })
  it('REG-2: wave-1 spot and wave-2 presale exclude each other', () => {
    const existing = [{ merchantId: 'm1', skuId: 's1', node: 'wave2Presale' as const }]
    const d = registrationDecision(reg, existing, at('2020-09-20T00:00:00+08:00'), rules2020, newDecision())
    expect(d).toMatchObject({ ok: false, ruleId: 'REG-2' })
  })
  it('REG-3: the experience score is passed to the rule, which decides whether it gates', () => {
    const low = { ...reg, shop: { ...shop, experienceScore: 0.5 } }
    const d = registrationDecision(low, [], inWindow, rules2020, newDecision())
    const rule = eligibilityVerdict(low.shop, rulesetAt(inWindow))
    expect(d.ok).toBe(rule.ok)
    if (!rule.ok) expect(d).toMatchObject({ ruleId: 'REG-3', field: 'experienceScore' })
    expect(
      registrationDecision(
        { ...reg, shop: { ...shop, violationPoints: 99 } },
        [],
        inWindow,
        rules2020,
        newDecision(),
      ),
    ).toMatchObject({ ok: false, ruleId: 'REG-3', field: 'violationPoints' })
  })
  it('REG-4: no cross-store coupon, no registration', () => {
    const d = registrationDecision(
      { ...reg, crossStoreCoupon: false },
      [],
      inWindow,
      rules2020,
      newDecision(),
    )
    expect(d).toMatchObject({ ok: false, ruleId: 'REG-4', field: 'crossStoreCoupon' })
  })
})
