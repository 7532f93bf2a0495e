import { type ReplyMode, replyKind, type SlaCounts, slaFigures, slaJudgements } from '@d11/order-flow/sla'
import { toShanghaiIsoSeconds as formatSimInstant, shanghaiDay } from '@d11/time/shanghai'
import { fail } from '../../errors.ts'
import { flowRules, type MerchantState, type PlatformState, type ServiceDeps } from '../state.ts'

export type { ReplyMode }

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
    const { effective, manual } = replyKind(mode)
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
   * natural days (Asia/Shanghai) ending with the day of `at`, EXP-2 over the 30 × 24 h before `at`;
   * the figures and their verdicts come from @d11/order-flow (slaFigures, slaJudgements).
   */
  sla(merchantId: string, at: number) {
    return this.judge(merchantId, at).view
  }

  /** The SLA view of one merchant at `at`, and the EXP-1/2/3 verdicts it rests on. */
  private judge(merchantId: string, at: number) {
    const m = this.state.merchant(merchantId)
    const rules = flowRules(this.deps)
    const window = slaFigures(at, rules)
    const reply = replyCountsInWindow(m, window.firstDayAt, at)
    dropManualTurnsBefore(m, window.windowStart)
    const counts: SlaCounts = {
      ...reply,
      manualTurns: m.manualTurns,
      manualResponseMsSum: m.manualResponseMsSum,
    }
    const pickup48hRate = m.pickupJudged ? m.pickupOnTime / m.pickupJudged : 1
    const manualResponseSec = m.manualTurns ? m.manualResponseMsSum / m.manualTurns / 1000 : 0
    const judged = slaJudgements(counts, experienceMetrics(m, pickup48hRate, manualResponseSec), at, rules)
    const view = {
      merchantId,
      simTime: formatSimInstant(at),
      replyRate: judged.replyRate.value,
      manualResponseSec: judged.manualResponse.value,
      pickup48hRate,
      experienceScore: judged.experienceScore?.value ?? null,
      lateOrders: m.lateOrders,
      payoutsFen: m.payoutsFen,
      warned: m.warned,
      removed: m.removed,
      ruleIds: ['EXP-1', 'EXP-2', 'EXP-3', 'SHIP-1', 'PAY-6'],
    }
    return { view, judged }
  }

  /** Write EXP-1/2/3 verdict rows for every merchant (verdicts of the ruleset in force at `at`). */
  evaluateSla(at: number): number {
    let n = 0
    for (const id of this.state.merchants.keys()) {
      const { judged } = this.judge(id, at)
      const base = { merchant_id: id, sim_time: at }
      const rows = [
        ['EXP-1', 'reply_rate', judged.replyRate],
        ['EXP-2', 'manual_response_time', judged.manualResponse],
        // EXP-3 only where the ruleset in force has it (002, 2024)
        ['EXP-3', 'experience_score', judged.experienceScore],
      ] as const
      for (const [ruleId, metric, j] of rows) {
        if (!j) continue
        this.deps.sink.verdict({
          ...base,
          rule_id: ruleId,
          metric,
          ok: j.ok ? 1 : 0,
          value: j.value,
          threshold: j.threshold,
        })
        n += 1
      }
    }
    return n
  }
}

/** EXP-1: the (day, buyer) consultations, and those answered, over the window's natural days ending with `at`'s day. */
function replyCountsInWindow(
  m: MerchantState,
  firstDayAt: number,
  at: number,
): { consulted: number; answered: number } {
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
  return { consulted, answered }
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

/** EXP-3's inputs: the world's window figures, with live pickup and response figures once there are any. */
function experienceMetrics(m: MerchantState, pickup48hRate: number, manualResponseSec: number) {
  const e = m.merchant.experience
  return {
    firstReturnRate: e.firstReturnRate,
    negativeReviewRate: e.negativeReviewRate,
    pickup48hRate: m.pickupJudged ? pickup48hRate : e.pickup48hRate,
    deliveryHours: e.deliveryHours,
    manualResponseSeconds: m.manualTurns ? manualResponseSec : e.manualResponseSec,
    refundProcessingHours: e.refundProcessingHours,
    disputeLiabilityRate: e.disputeLiabilityRate,
  }
}
