import { resolve } from 'node:path'
import { simTime } from '@d11/time/shanghai'
import { describe, expect, it } from 'vitest'
import { getRuleset, listRulesets, loadRulesetDir, loadRulesetFile, rulesetAt } from '../src/ruleset.ts'

const fixture = (name: string) => resolve(import.meta.dirname, 'fixtures', name)

describe('rulesets are versioned by effective date (CAL-2, PRICE-1)', () => {
  it('ships the baseline, the 2022-04-15 price tiers and the 2024 rules of 002, contiguous', () => {
    const list = listRulesets()
    expect(list.map((r) => r.version)).toEqual(['2009-11-11', '2022-04-15', '2024-05-20'])
    expect(list[0]!.effectiveTo).toBe(list[1]!.effectiveFrom)
    expect(list[1]!.effectiveTo).toBe(list[2]!.effectiveFrom)
    expect(list[2]!.effectiveTo).toBe(Number.POSITIVE_INFINITY)
  })

  it('rulesetAt picks each of the three versions; the 002 version from the 2024 618 start (a flagged default)', () => {
    expect(rulesetAt(simTime('2020-11-11T00:00:00+08:00')).version).toBe('2009-11-11')
    expect(rulesetAt(simTime('2022-11-11T00:00:00+08:00')).version).toBe('2022-04-15')
    expect(rulesetAt(simTime('2024-11-11T00:00:00+08:00')).version).toBe('2024-05-20')
    expect(rulesetAt(simTime('2024-05-20T19:59:59.999+08:00')).version).toBe('2022-04-15')
    expect(rulesetAt(simTime('2024-05-20T20:00:00+08:00')).version).toBe('2024-05-20')
    expect(getRuleset('2024-05-20').defaults).toContain('effectiveFrom')
  })

  it('the 002 rules (PAY-4, PAY-6, PAY-7, PAY-8, EXP-3, REG-3 score gate) exist only from 2024', () => {
    const present = (rs: ReturnType<typeof getRuleset>) => [
      rs.compensation.presale !== undefined,
      rs.compensation.massDelay !== undefined,
      rs.compensation.appeals !== undefined,
      rs.compensation.instantRefund !== undefined,
      rs.experience.score !== undefined,
      rs.registration.eligibility.minExperienceScore !== undefined,
    ]
    expect(present(getRuleset('2009-11-11'))).toEqual([false, false, false, false, false, false])
    expect(present(getRuleset('2022-04-15'))).toEqual([false, false, false, false, false, false])
    expect(present(getRuleset('2024-05-20'))).toEqual([true, true, true, true, true, true])
  })

  it('the SLA window of EXP-1/EXP-2 is a ruleset value (30 days, 001)', () => {
    for (const rs of listRulesets()) expect(rs.experience.windowDays).toBe(30)
  })

  it('rulesetAt switches at 2022-04-15 00:00 Asia/Shanghai, inclusive', () => {
    expect(rulesetAt(simTime('2022-04-14T23:59:59.999+08:00')).version).toBe('2009-11-11')
    expect(rulesetAt(simTime('2022-04-15T00:00:00+08:00')).version).toBe('2022-04-15')
    // 2022-04-14T16:00Z is the same instant as 2022-04-15 00:00 in Shanghai.
    expect(rulesetAt(simTime('2022-04-14T16:00:00Z')).version).toBe('2022-04-15')
    expect(rulesetAt(simTime('2020-11-11T00:00:00+08:00')).version).toBe('2009-11-11')
  })

  it('PRICE-1: the 2022-04-15 change moves Double 12 to S1, stops same-tier validation, gives A a price requirement', () => {
    const before = getRuleset('2009-11-11')
    const after = getRuleset('2022-04-15')
    expect(before.tierOf.double12).toBe('S2')
    expect(after.tierOf.double12).toBe('S1')
    expect(before.price.sameTierValidates).toBe(true)
    expect(after.price.sameTierValidates).toBe(false)
    expect(before.price.priceRequirement.A).toBe(false)
    expect(after.price.priceRequirement.A).toBe(true)
  })

  it('lists every value the sources do not give under defaults', () => {
    for (const rs of listRulesets()) {
      expect(rs.defaults).toContain('registration.eligibility.maxViolationPoints')
      expect(rs.defaults).toContain('shipping.pickup.wave2Hours')
      if (rs.compensation.presale) expect(rs.defaults).toContain('compensation.presale')
      expect(rs.defaults).not.toContain('compensation.lateShipment')
    }
  })

  it('rejects an unknown version and a time before every version', () => {
    expect(() => getRuleset('1999')).toThrow(/unknown ruleset version "1999".*\(CAL-2\)/)
    expect(() => rulesetAt(simTime('2000-01-01T00:00:00+08:00'))).toThrow(/no ruleset in force.*\(CAL-2\)/)
  })
})

describe('bad ruleset files are rejected naming file, field and rule', () => {
  const cases: Array<[string, string]> = [
    [
      'ruleset-unknown-tier.yaml',
      'test/fixtures/ruleset-unknown-tier.yaml: tiers.B: unknown tier "B": tiers are S1, S2, A (PRICE-1)',
    ],
    [
      'ruleset-unknown-campaign.yaml',
      'test/fixtures/ruleset-unknown-campaign.yaml: tiers.S1[2]: unknown campaign "Dbl12" (PRICE-1)',
    ],
    [
      'ruleset-negative-rate.yaml',
      'test/fixtures/ruleset-negative-rate.yaml: compensation.lateShipment.rateBp: must be >= 0 (got -3000) (PAY-1)',
    ],
    [
      'ruleset-overlapping-windows.yaml',
      'test/fixtures/ruleset-overlapping-windows.yaml: shipping.springFestival[1]: window "spring-festival-2022b" overlaps window "spring-festival-2022" (shipping.springFestival[0]) (SHIP-1)',
    ],
    [
      'ruleset-bad-window-date.yaml',
      'test/fixtures/ruleset-bad-window-date.yaml: shipping.springFestival[0].to: unparseable date "Feb 9th 2022"',
    ],
    [
      'ruleset-bad-region.yaml',
      'test/fixtures/ruleset-bad-region.yaml: shipping.springFestival[0].uncoveredRegions[0]: unknown region "inner-mongolia" (SHIP-1)',
    ],
    [
      'ruleset-bad-weight.yaml',
      'test/fixtures/ruleset-bad-weight.yaml: experience.score.weights.firstReturnRates: names no metric of experience.metrics (EXP-3)',
    ],
    [
      'ruleset-bad-date.yaml',
      'test/fixtures/ruleset-bad-date.yaml: effectiveFrom: unparseable date "2022-04-31T00:00:00+08:00"',
    ],
    [
      'ruleset-bad-default.yaml',
      'test/fixtures/ruleset-bad-default.yaml: defaults[0]: names no field: "price.validationWindowDayz"',
    ],
    [
      'ruleset-bad-mix.yaml',
      'test/fixtures/ruleset-bad-mix.yaml: experience.consultationMix: shares must sum to 10000 bp, got 10100 (EXP-4)',
    ],
    [
      'ruleset-bad-stacking.yaml',
      'test/fixtures/ruleset-bad-stacking.yaml: crossStoreCoupon.stacking: must be one of "per-threshold", "once" (got "twice") (PRICE-3)',
    ],
    ['ruleset-not-yaml.yaml', 'test/fixtures/ruleset-not-yaml.yaml: (file): not valid YAML/JSON'],
  ]
  for (const [file, message] of cases) {
    it(file, () => {
      expect(() => loadRulesetFile(fixture(file))).toThrow(message)
    })
  }

  it('the error carries rule, file and field as properties', () => {
    try {
      loadRulesetFile(fixture('ruleset-negative-rate.yaml'))
      expect.unreachable()
    } catch (err) {
      expect(err).toMatchObject({
        code: 'D11_RULES_CONFIG',
        ruleId: 'PAY-1',
        file: 'test/fixtures/ruleset-negative-rate.yaml',
        field: 'compensation.lateShipment.rateBp',
      })
    }
  })

  it('rejects two versions taking effect at the same time (overlapping versions)', () => {
    expect(() => loadRulesetDir(fixture('overlapping-versions'))).toThrow(
      /overlapping-versions\/b\.yaml: effectiveFrom: overlaps test\/fixtures\/overlapping-versions\/a\.yaml.*\(CAL-2\)/,
    )
  })
})
