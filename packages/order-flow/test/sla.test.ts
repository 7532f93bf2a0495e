import { describe, expect, it } from 'vitest'
import { replyKind, slaJudgements } from '../src/sla.ts'
import { at, rules2020, rules2024 } from './helpers.ts'

const metrics = {
  firstReturnRate: 0,
  negativeReviewRate: 0,
  pickup48hRate: 1,
  deliveryHours: 0,
  manualResponseSeconds: 0,
  refundProcessingHours: 0,
  disputeLiabilityRate: 0,
}

describe('slaJudgements (EXP-1/2/3 through the @d11/rules verdicts)', () => {
  it('EXP-1 at or above 80 % and EXP-2 at or below 30 s pass; one answer less or one second more fails', () => {
    const t = at('2020-11-20T12:00:00+08:00')
    const good = slaJudgements(
      { consulted: 10, answered: 8, manualTurns: 2, manualResponseMsSum: 60_000 },
      metrics,
      t,
      rules2020,
    )
    expect(good.replyRate).toEqual({ ok: true, value: 0.8, threshold: 0.8 })
    expect(good.manualResponse).toEqual({ ok: true, value: 30, threshold: 30 })
    const bad = slaJudgements(
      { consulted: 10, answered: 7, manualTurns: 2, manualResponseMsSum: 62_000 },
      metrics,
      t,
      rules2020,
    )
    expect(bad.replyRate.ok).toBe(false)
    expect(bad.manualResponse).toMatchObject({ ok: false, value: 31 })
  })
  it('nobody consulted and no manual turns: both pass', () => {
    const j = slaJudgements(
      { consulted: 0, answered: 0, manualTurns: 0, manualResponseMsSum: 0 },
      metrics,
      at('2020-11-20T12:00:00+08:00'),
      rules2020,
    )
    expect(j.replyRate).toMatchObject({ ok: true, value: 1 })
    expect(j.manualResponse).toMatchObject({ ok: true, value: 0 })
  })
  it('EXP-3 is judged only where 002 is in force (2024), against the admission minimum', () => {
    const counts = { consulted: 1, answered: 1, manualTurns: 0, manualResponseMsSum: 0 }
    expect(
      slaJudgements(counts, metrics, at('2020-11-20T12:00:00+08:00'), rules2020).experienceScore,
    ).toBeNull()
    const best = slaJudgements(counts, metrics, at('2024-11-20T12:00:00+08:00'), rules2024).experienceScore
    expect(best).toMatchObject({ ok: true })
    expect(best!.value).toBeGreaterThanOrEqual(best!.threshold)
    const worst = {
      ...metrics,
      firstReturnRate: 1,
      negativeReviewRate: 1,
      pickup48hRate: 0,
      deliveryHours: 1e6,
    }
    const weak = slaJudgements(
      counts,
      { ...worst, manualResponseSeconds: 1e6, refundProcessingHours: 1e6, disputeLiabilityRate: 1 },
      at('2024-11-20T12:00:00+08:00'),
      rules2024,
    ).experienceScore
    expect(weak).toMatchObject({ ok: false, value: 0 })
  })
})

describe('replyKind (EXP-1 / EXP-2)', () => {
  it('auto-replies answer nobody; bot replies answer but are not timed; human and bot-assisted are manual turns', () => {
    expect(replyKind('auto-reply')).toEqual({ effective: false, manual: false })
    expect(replyKind('bot')).toEqual({ effective: true, manual: false })
    expect(replyKind('human')).toEqual({ effective: true, manual: true })
    expect(replyKind('bot-assisted')).toEqual({ effective: true, manual: true })
  })
})
