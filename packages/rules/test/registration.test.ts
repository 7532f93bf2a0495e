import { simTime } from '@d11/time/shanghai'
import { describe, expect, it } from 'vitest'
import { getCalendar } from '../src/calendar.ts'
import {
  checkRegistration,
  eligibilityVerdict,
  mandatoryCouponVerdict,
  registrationWindowVerdict,
  type ShopMetrics,
  waveConflictVerdict,
} from '../src/registration.ts'
import { getRuleset } from '../src/ruleset.ts'

const cal = getCalendar('2020')
const rs = getRuleset('2009-11-11')
const goodShop: ShopMetrics = {
  violationPoints: 0,
  activityLevel: 4,
  compositeRankingPct: 20,
  basicServiceScore: 4.8,
}

describe('REG-1 registration windows', () => {
  it('2020: the overall window is Sep 17-24; each node has its own window (end exclusive)', () => {
    expect(registrationWindowVerdict('wave1Presale', simTime('2020-09-17T00:00:00+08:00'), cal).ok).toBe(true)
    expect(
      registrationWindowVerdict('wave1Presale', simTime('2020-09-21T00:00:00+08:00'), cal),
    ).toMatchObject({
      ok: false,
      ruleId: 'REG-1',
    })
    expect(registrationWindowVerdict('wave2Spot', simTime('2020-09-24T23:59:59+08:00'), cal).ok).toBe(true)
    expect(registrationWindowVerdict('wave2Spot', simTime('2020-09-25T00:00:00+08:00'), cal).ok).toBe(false)
    expect(registrationWindowVerdict('wave3', simTime('2020-09-20T00:00:00+08:00'), cal).ok).toBe(false)
  })
})

describe('REG-2 wave conflict', () => {
  it('the same SKU cannot be in wave-1 spot and wave-2 presale; other pairs are fine', () => {
    const existing = [{ merchantId: 'm-1', skuId: 'sku-1', node: 'wave1Spot' as const }]
    expect(
      waveConflictVerdict({ merchantId: 'm-1', skuId: 'sku-1', node: 'wave2Presale' }, existing),
    ).toMatchObject({
      ok: false,
      ruleId: 'REG-2',
    })
    expect(waveConflictVerdict({ merchantId: 'm-1', skuId: 'sku-1', node: 'wave2Spot' }, existing).ok).toBe(
      true,
    )
    expect(
      waveConflictVerdict({ merchantId: 'm-1', skuId: 'sku-2', node: 'wave2Presale' }, existing).ok,
    ).toBe(true)
    expect(
      waveConflictVerdict({ merchantId: 'm-2', skuId: 'sku-1', node: 'wave2Presale' }, existing).ok,
    ).toBe(true)
  })
})

describe('REG-3 eligibility', () => {
  it('every metric must meet its threshold; failures are all named', () => {
    expect(eligibilityVerdict(goodShop, rs).ok).toBe(true)
    const v = eligibilityVerdict(
      { ...goodShop, violationPoints: 13, basicServiceScore: 4.0, experienceScore: 3.5 },
      rs,
    )
    expect(v).toMatchObject({ ok: false, ruleId: 'REG-3' })
    // 2020 (baseline): the EXP-3 score gate of 002 is not in force, the score is not looked at
    expect(v.failures).toHaveLength(2)
    expect(v.reason).toContain('violationPoints 13 > 12')
    expect(eligibilityVerdict({ ...goodShop, experienceScore: 0.5 }, rs).ok).toBe(true)
  })
  it('2024 (002): the composite experience score gates admission too', () => {
    const rs2024 = getRuleset('2024-05-20')
    const v = eligibilityVerdict({ ...goodShop, violationPoints: 13, experienceScore: 3.5 }, rs2024)
    expect(v.failures).toEqual(['violationPoints 13 > 12', 'experienceScore 3.5 < 4'])
    expect(eligibilityVerdict({ ...goodShop, experienceScore: 4.2 }, rs2024).ok).toBe(true)
    expect(eligibilityVerdict(goodShop, rs2024)).toMatchObject({
      ok: false,
      failures: ['experienceScore missing (002 score gate)'],
    })
  })
})

describe('REG-4 mandatory cross-store coupon', () => {
  it('a registration without the 300-40 coupon is rejected', () => {
    expect(mandatoryCouponVerdict({}, rs)).toMatchObject({ ok: false, ruleId: 'REG-4' })
    expect(
      mandatoryCouponVerdict({ crossStoreCoupon: { thresholdFen: 30_000, discountFen: 4_000 } }, rs).ok,
    ).toBe(true)
    expect(
      mandatoryCouponVerdict({ crossStoreCoupon: { thresholdFen: 30_000, discountFen: 3_000 } }, rs).ok,
    ).toBe(false)
  })
})

describe('REG-1..4 together', () => {
  it('returns one verdict per rule', () => {
    const verdicts = checkRegistration(
      {
        merchantId: 'm-1',
        skuId: 'sku-1',
        node: 'wave2Presale',
        at: simTime('2020-09-20T10:00:00+08:00'),
        shop: goodShop,
        crossStoreCoupon: { thresholdFen: 30_000, discountFen: 4_000 },
      },
      { calendar: cal, ruleset: rs, existing: [] },
    )
    expect(verdicts.map((v) => [v.ruleId, v.ok])).toEqual([
      ['REG-1', true],
      ['REG-2', true],
      ['REG-3', true],
      ['REG-4', true],
    ])
  })
})
