import { simTime } from '@d11/time/shanghai'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { getCalendar, inLaunchBurst, listCalendars } from '../src/calendar.ts'
import {
  botOnlyReception,
  consultationMix,
  experienceScore,
  experienceScoreVerdict,
  manualResponseVerdict,
  replyCounts,
  replyRateVerdict,
} from '../src/experience.ts'
import { getRuleset } from '../src/ruleset.ts'

const rs = getRuleset('2022-04-15')

describe('EXP-1 reply rate on (buyer, Asia/Shanghai natural day) counts', () => {
  // the platform keeps these counts as consultations and replies come (its test
  // "EXP-1 counts (buyer, Asia/Shanghai natural day) once" shows the day keying)
  it('verdict against the configured minimum', () => {
    // b1 answered by the bot, b2 only by an auto-reply, b3 answered after Shanghai midnight,
    // b4 twice on one day, answered bot-assisted: 2 of 4 (buyer, day) pairs answered
    expect(replyRateVerdict({ consulted: 4, answered: 2 }, rs)).toMatchObject({
      ok: false,
      ruleId: 'EXP-1',
      value: 0.5,
      threshold: 0.8,
    })
    expect(replyRateVerdict({ consulted: 1, answered: 1 }, rs).ok).toBe(true)
    expect(replyRateVerdict({ consulted: 0, answered: 0 }, rs)).toMatchObject({ ok: true, value: 1 })
    expect(replyRateVerdict({ consulted: 10, answered: 8 }, rs).ok).toBe(true)
    expect(replyRateVerdict({ consulted: 10, answered: 7 }, rs).ok).toBe(false)
  })

  it('which replies answer the buyer (EXP-1) and which are timed manual turns (EXP-2)', () => {
    expect(replyCounts('human')).toEqual({ effective: true, manual: true })
    expect(replyCounts('bot-assisted')).toEqual({ effective: true, manual: true })
    expect(replyCounts('bot')).toEqual({ effective: true, manual: false })
    expect(replyCounts('auto')).toEqual({ effective: false, manual: false })
  })
})

describe('EXP-2 manual response time', () => {
  it('sum of manual turn response times / number of manual turns; bot and auto turns excluded', () => {
    const base = simTime('2022-11-15T10:00:00+08:00')
    const turns = [
      { askedAt: base, repliedAt: base + 10_000, by: 'human' as const },
      { askedAt: base, repliedAt: base + 50_000, by: 'bot-assisted' as const },
      { askedAt: base, repliedAt: base + 1_000, by: 'bot' as const },
      { askedAt: base, repliedAt: base + 500, by: 'auto' as const },
    ]
    // the figures an engine keeps as replies come: manual turns only (replyCounts), and their sum
    const figures = (ts: typeof turns) => {
      const manual = ts.filter((turn) => replyCounts(turn.by).manual)
      const sum = manual.reduce((s, turn) => s + (turn.repliedAt - turn.askedAt), 0)
      return { turns: manual.length, averageMs: manual.length ? sum / manual.length : undefined }
    }
    expect(figures(turns)).toEqual({ turns: 2, averageMs: 30_000 })
    expect(manualResponseVerdict(figures(turns), rs)).toMatchObject({
      ok: true,
      ruleId: 'EXP-2',
      value: 30,
      threshold: 30,
    })
    const slower = [...turns, { askedAt: base, repliedAt: base + 40_000, by: 'human' as const }]
    expect(manualResponseVerdict(figures(slower), rs).ok).toBe(false)
    expect(manualResponseVerdict({ turns: 0, averageMs: undefined }, rs)).toMatchObject({
      ok: true,
      value: 0,
    })
  })
})

describe('EXP-3 composite experience score', () => {
  const best = {
    firstReturnRate: 0,
    negativeReviewRate: 0,
    pickup48hRate: 1,
    deliveryHours: 24,
    manualResponseSeconds: 5,
    refundProcessingHours: 1,
    disputeLiabilityRate: 0,
  }
  const rs2024 = getRuleset('2024-05-20')
  it('best metrics score the full scale; worst score 0; groups are reported', () => {
    expect(experienceScore(best, rs2024)).toMatchObject({
      inForce: true,
      score: 5,
      missing: [],
      groups: { product: 5, logistics: 5, service: 5 },
    })
    const worst = { ...best, firstReturnRate: 0.5, negativeReviewRate: 0.1 }
    const r = experienceScore(worst, rs2024)
    expect(r.groups.product).toBe(0)
    expect(r.score).toBeCloseTo(5 * (70 / 100), 10)
  })
  it('gates admission at the configured minimum; missing metrics fail the verdict', () => {
    expect(experienceScoreVerdict(best, rs2024)).toMatchObject({ ok: true, ruleId: 'EXP-3', inForce: true })
    const { disputeLiabilityRate: _, ...partial } = best
    expect(experienceScoreVerdict(partial, rs2024).ok).toBe(false)
    const weak = { ...best, firstReturnRate: 0.2, negativeReviewRate: 0.05, pickup48hRate: 0.8 }
    expect(experienceScoreVerdict(weak, rs2024)).toMatchObject({ ok: false, threshold: 4 })
  })
  it('not in force before 2024 (002): no score, no gate', () => {
    for (const r of [getRuleset('2009-11-11'), rs]) {
      expect(experienceScore(best, r)).toMatchObject({ inForce: false, score: undefined })
      expect(experienceScoreVerdict({ firstReturnRate: 1 }, r)).toMatchObject({
        ok: true,
        ruleId: 'EXP-3',
        inForce: false,
      })
    }
  })
})

describe('EXP-4 consultation mix', () => {
  it('categories are data with shares summing to 1, including the ten logistics complaint types of 004', () => {
    const mix = consultationMix(rs)
    expect(mix.map((c) => c.id)).toEqual([
      'presale',
      'payment-reminder',
      'shipping-inquiry',
      'after-sale',
      'price-complaint',
    ])
    expect(mix.reduce((s, c) => s + c.shareBp, 0)).toBe(10_000)
    expect(mix.find((c) => c.id === 'after-sale')!.subtypes).toHaveLength(13)
  })
  it('at a burst merchants go bot-only for the configured minutes after a launch moment (CAL-3)', () => {
    const cal = getCalendar('2022')
    const peak = simTime('2022-11-11T00:00:00+08:00')
    expect(cal.launchMoments.find((m) => m.at === peak)).toMatchObject({ id: 'wave2-spot-open', wave: 2 })
    expect(inLaunchBurst(peak + 60_000, cal)).toBe(true)
    expect(inLaunchBurst(peak + 60 * 60_000, cal)).toBe(false)
    expect(botOnlyReception(peak + 59 * 60_000, cal, rs)).toBe(true)
    expect(botOnlyReception(peak - 1, cal, rs)).toBe(false)
  })
  it('inLaunchBurst answers exactly when a launch moment lies in (t - decay, t], in every calendar', () => {
    for (const id of listCalendars()) {
      const cal = getCalendar(id)
      const moments = cal.launchMoments.map((m) => m.at)
      const near = fc.tuple(
        fc.constantFrom(...moments),
        fc.integer({ min: -2 * 3_600_000, max: 3 * 3_600_000 }),
      )
      fc.assert(
        fc.property(near, fc.integer({ min: 1, max: 180 }), ([at, offset], minutes) => {
          const t = at + offset
          const expected = moments.some((m) => m <= t && t < m + minutes * 60_000)
          expect(inLaunchBurst(t, cal, minutes)).toBe(expected)
        }),
        { numRuns: 2000 },
      )
    }
  })
})
