import { experienceScoreAt, slaFigures } from '@d11/order-flow/sla'
import { toShanghaiIsoSeconds as formatSimInstant, shanghaiDay } from '@d11/time/shanghai'
import { fail } from '../../errors.ts'
import {
  type FlowRules,
  flowRules,
  type MerchantState,
  type PlatformState,
  type ServiceDeps,
} from '../state.ts'

export type ReplyMode = 'bot' | 'bot-assisted' | 'human' | 'auto-reply'

/** Consultations (EXP-1 reply rate, EXP-2 manual response time) and the SLA dashboard (EXP-3). */
export class ConsultationService {
  constructor(
    private readonly state: PlatformState,
    private readonly deps: ServiceDeps,
  ) {}

  message(
    input: { buyerId: string; merchantId: string; orderId?: string; consultationId?: string; text: string },
    at: number,
  ) {
    if (!this.state.buyers.has(input.buyerId))
      fail('PLAT_ERR_NOT_FOUND', 'buyerId', `no buyer ${input.buyerId}`)
    const m = this.state.merchant(input.merchantId)
    let c = input.consultationId ? this.state.consultations.get(input.consultationId) : undefined
    if (input.consultationId && !c)
      fail('PLAT_ERR_NOT_FOUND', 'consultationId', `no consultation ${input.consultationId}`)
    if (!c) {
      c = {
        id: this.state.nextId('q'),
        merchantId: input.merchantId,
        buyerId: input.buyerId,
        orderId: input.orderId ?? '',
        messages: 0,
        pendingSince: 0,
      }
      this.state.consultations.set(c.id, c)
    }
    c.messages += 1
    if (c.pendingSince === 0) c.pendingSince = at
    const key = `${shanghaiDay(at)}|${input.buyerId}`
    if (!m.consultedDays.has(key)) m.consultedDays.set(key, false)
    this.deps.sink.event({
      kind: 'consultation.message',
      simTime: at,
      merchantId: input.merchantId,
      buyerId: input.buyerId,
      orderId: c.orderId,
      detail: { consultationId: c.id },
    })
    this.deps.push(input.merchantId, 'consultation.message', {
      consultationId: c.id,
      buyerId: input.buyerId,
      orderId: c.orderId,
      text: input.text,
    })
    return { consultationId: c.id, messages: c.messages }
  }

  /** EXP-1: bot, bot-assisted and human replies answer the buyer; auto-replies do not. EXP-2: manual turns are timed. */
  reply(merchantId: string, consultationId: string, mode: ReplyMode, at: number) {
    const c =
      this.state.consultations.get(consultationId) ??
      fail('PLAT_ERR_NOT_FOUND', 'consultationId', `no consultation ${consultationId}`)
    if (c.merchantId !== merchantId)
      fail(
        'PLAT_ERR_FORBIDDEN',
        'consultationId',
        `consultation ${consultationId} belongs to another merchant`,
      )
    const m = this.state.merchant(merchantId)
    const { effective, manual } = replyCounts(mode)
    let responseMs = 0
    if (effective && c.pendingSince > 0) {
      responseMs = at - c.pendingSince
      const key = `${shanghaiDay(at)}|${c.buyerId}`
      if (m.consultedDays.has(key)) m.consultedDays.set(key, true)
      if (manual) {
        m.manualTurns += 1
        m.manualResponseMsSum += responseMs
        m.manualLog.push(at, responseMs)
      }
      c.pendingSince = 0
    }
    this.deps.sink.event({
      kind: 'consultation.reply',
      simTime: at,
      merchantId,
      buyerId: c.buyerId,
      ruleId: manual ? 'EXP-2' : 'EXP-1',
      detail: { consultationId, mode, effective, responseMs },
    })
    return { consultationId, mode, counted: effective, manual, responseMs }
  }

  /**
   * EXP-1 and EXP-2 are judged over a sliding 30-day window of simulated time: EXP-1 over the 30
   * natural days (Asia/Shanghai) ending with the day of `at`, EXP-2 over the 30 × 24 h before `at`.
   */
  sla(merchantId: string, at: number) {
    const m = this.state.merchant(merchantId)
    // EXP-1/2's window from the ruleset in force (@d11/order-flow slaFigures)
    const window = slaFigures(at, flowRules(this.deps))
    const replyRate = replyRateInWindow(m, window.firstDayAt, at)
    dropManualTurnsBefore(m, window.windowStart)
    const manualResponseSec = m.manualTurns ? m.manualResponseMsSum / m.manualTurns / 1000 : 0
    const pickup48hRate = m.pickupJudged ? m.pickupOnTime / m.pickupJudged : 1
    return {
      merchantId,
      simTime: formatSimInstant(at),
      replyRate,
      manualResponseSec,
      pickup48hRate,
      experienceScore: experienceScore(m, pickup48hRate, manualResponseSec, at, flowRules(this.deps)),
      lateOrders: m.lateOrders,
      payoutsFen: m.payoutsFen,
      warned: m.warned,
      removed: m.removed,
      ruleIds: ['EXP-1', 'EXP-2', 'EXP-3', 'SHIP-1', 'PAY-6'],
    }
  }

  /** Write EXP-1/2/3 verdict rows for every merchant (thresholds of the ruleset in force at `at`). */
  evaluateSla(at: number): number {
    const t = slaFigures(at, flowRules(this.deps))
    let n = 0
    for (const id of this.state.merchants.keys()) {
      const d = this.sla(id, at)
      const base = { merchant_id: id, sim_time: at }
      this.deps.sink.verdict({
        ...base,
        rule_id: 'EXP-1',
        metric: 'reply_rate',
        ok: d.replyRate >= t.replyRate ? 1 : 0,
        value: d.replyRate,
        threshold: t.replyRate,
      })
      this.deps.sink.verdict({
        ...base,
        rule_id: 'EXP-2',
        metric: 'manual_response_time',
        ok: d.manualResponseSec <= t.manualResponseSec ? 1 : 0,
        value: d.manualResponseSec,
        threshold: t.manualResponseSec,
      })
      n += 2
      // EXP-3 only where the ruleset in force has it (002, 2024)
      if (d.experienceScore === null || t.experienceScore === null) continue
      this.deps.sink.verdict({
        ...base,
        rule_id: 'EXP-3',
        metric: 'experience_score',
        ok: d.experienceScore >= t.experienceScore ? 1 : 0,
        value: d.experienceScore,
        threshold: t.experienceScore,
      })
      n += 1
    }
    return n
  }
}

/** Decision EXP-1/2: which reply modes answer the buyer, and which are manual (timed) turns. */
function replyCounts(mode: ReplyMode): { effective: boolean; manual: boolean } {
  return { effective: mode !== 'auto-reply', manual: mode === 'human' || mode === 'bot-assisted' }
}

/** EXP-1: the share of (day, buyer) consultations answered over the window's natural days ending with `at`'s day. */
function replyRateInWindow(m: MerchantState, firstDayAt: number, at: number): number {
  const fromDay = shanghaiDay(firstDayAt)
  const toDay = shanghaiDay(at)
  let consulted = 0
  let answered = 0
  for (const [key, ok] of m.consultedDays) {
    const day = key.slice(0, 10)
    if (day < fromDay || day > toDay) continue
    consulted += 1
    if (ok) answered += 1
  }
  return consulted ? answered / consulted : 1
}

/** EXP-2: drop the turns that left the window (the clock only moves forward between world loads). */
function dropManualTurnsBefore(m: MerchantState, since: number): void {
  while (m.manualHead < m.manualLog.length && m.manualLog[m.manualHead]! <= since) {
    m.manualTurns -= 1
    m.manualResponseMsSum -= m.manualLog[m.manualHead + 1]!
    m.manualHead += 2
  }
  if (m.manualHead > 4096 && m.manualHead * 2 > m.manualLog.length) {
    m.manualLog.splice(0, m.manualHead)
    m.manualHead = 0
  }
}

/** EXP-3 from the ruleset: the world's window inputs, with live pickup and response figures; null where not in force. */
function experienceScore(
  m: MerchantState,
  pickup48hRate: number,
  manualResponseSec: number,
  at: number,
  rules: FlowRules,
): number | null {
  const e = m.merchant.experience
  return experienceScoreAt(
    {
      firstReturnRate: e.firstReturnRate,
      negativeReviewRate: e.negativeReviewRate,
      pickup48hRate: m.pickupJudged ? pickup48hRate : e.pickup48hRate,
      deliveryHours: e.deliveryHours,
      manualResponseSeconds: m.manualTurns ? manualResponseSec : e.manualResponseSec,
      refundProcessingHours: e.refundProcessingHours,
      disputeLiabilityRate: e.disputeLiabilityRate,
    },
    at,
    rules,
  )
}
