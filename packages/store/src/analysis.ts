import { queryRows, type Store } from './connection.ts'
import { getRun } from './runs.ts'

/**
 * `@d11/store/analysis`: every question the report and `d11 compare` ask, one documented query each.
 * Load-test queries read the per-minute materialized view `k6_minute`; evidence queries read the
 * ReplacingMergeTree tables with `FINAL`, so replayed loads never double-count. Times come back as
 * epoch ms (UTC instants; format them in Asia/Shanghai at the edge). Money is integer fen.
 */

const n = (v: unknown) => Number(v ?? 0)

export interface LatencyMinute {
  scenario: string
  /** Start of the minute, epoch ms. */
  minute: number
  requests: number
  p50: number
  p95: number
  p99: number
}

/** Latency p50/p95/p99 (ms) of `http_req_duration` per scenario per minute. */
export async function latencyByMinute(store: Store, runId: string): Promise<LatencyMinute[]> {
  const rows = await queryRows<Record<string, unknown>>(
    store,
    `SELECT scenario, toUnixTimestamp(minute) * 1000 AS minute, countMerge(n) AS requests,
            quantilesMerge(0.5, 0.95, 0.99)(q) AS qs
     FROM ${store.t('k6_minute')}
     WHERE run_id = {runId:String} AND metric = 'http_req_duration'
     GROUP BY scenario, minute ORDER BY scenario, minute`,
    { runId },
  )
  return rows.map((r) => {
    const qs = r.qs as number[]
    return {
      scenario: String(r.scenario),
      minute: n(r.minute),
      requests: n(r.requests),
      p50: n(qs[0]),
      p95: n(qs[1]),
      p99: n(qs[2]),
    }
  })
}

export interface ErrorMinute {
  scenario: string
  minute: number
  requests: number
  failed: number
  /** failed / requests, 0..1 */
  errorRate: number
}

/** Error rate per scenario per minute: k6's `http_req_failed` rate metric (1 = failed request). */
export async function errorRateByMinute(store: Store, runId: string): Promise<ErrorMinute[]> {
  const rows = await queryRows<Record<string, unknown>>(
    store,
    `SELECT scenario, toUnixTimestamp(minute) * 1000 AS minute, countMerge(n) AS requests, sumMerge(total) AS failed
     FROM ${store.t('k6_minute')}
     WHERE run_id = {runId:String} AND metric = 'http_req_failed'
     GROUP BY scenario, minute ORDER BY scenario, minute`,
    { runId },
  )
  return rows.map((r) => ({
    scenario: String(r.scenario),
    minute: n(r.minute),
    requests: n(r.requests),
    failed: n(r.failed),
    errorRate: n(r.requests) > 0 ? n(r.failed) / n(r.requests) : 0,
  }))
}

export interface ArrivalMinute {
  minute: number
  /** Mean target arrivals/s: the `d11_target_rate` gauge, else the run's `parameters.targetRate`. */
  targetRate: number
  /** Started iterations per second over the minute. */
  achievedRate: number
  /** k6 `dropped_iterations` in the minute. */
  dropped: number
}

/**
 * Achieved vs target arrival rate per minute, all scenarios together. Target is the sum over
 * scenarios of each one's mean `d11_target_rate`; achieved is `iterations` per second (the last,
 * partial minute is divided by the seconds it covers).
 */
export async function arrivalByMinute(store: Store, runId: string): Promise<ArrivalMinute[]> {
  const rows = await queryRows<Record<string, unknown>>(
    store,
    `SELECT toUnixTimestamp(minute) * 1000 AS minute,
            sumIf(s, metric = 'iterations') AS iterations,
            sumIf(s, metric = 'dropped_iterations') AS dropped,
            sumIf(s / c, metric = 'd11_target_rate') AS target,
            countIf(metric = 'd11_target_rate') > 0 AS has_target
     FROM (
       SELECT minute, metric, scenario, sumMerge(total) AS s, countMerge(n) AS c
       FROM ${store.t('k6_minute')}
       WHERE run_id = {runId:String} AND metric IN ('iterations', 'dropped_iterations', 'd11_target_rate')
       GROUP BY minute, metric, scenario
     )
     GROUP BY minute ORDER BY minute`,
    { runId },
  )
  const run = await getRun(store, runId)
  const paramRate = n(run?.parameters?.targetRate)
  const [span] = await queryRows<{ last: number }>(
    store,
    `SELECT toUnixTimestamp64Milli(max(ts)) AS last FROM ${store.t('k6_samples')} WHERE run_id = {runId:String} AND metric = 'iterations'`,
    { runId },
  )
  const last = n(span?.last)
  return rows.map((r) => {
    const minute = n(r.minute)
    const seconds =
      last >= minute && last < minute + 60_000 ? Math.max(1, Math.ceil((last - minute + 1) / 1000)) : 60
    return {
      minute,
      targetRate: n(r.has_target) ? n(r.target) : paramRate,
      achievedRate: n(r.iterations) / seconds,
      dropped: n(r.dropped),
    }
  })
}

export interface LoadSummary {
  requests: number
  iterations: number
  dropped: number
  failed: number
  errorRate: number
  p50: number
  p95: number
  p99: number
  /** iterations / (iterations + dropped), 1 when nothing was dropped */
  achievedRatio: number
}

/** Whole-run load figures: request count, latency quantiles, error rate, dropped iterations. */
export async function loadSummary(store: Store, runId: string): Promise<LoadSummary> {
  const [r] = await queryRows<Record<string, unknown>>(
    store,
    `SELECT countMergeIf(n, metric = 'http_req_duration') AS requests,
            sumMergeIf(total, metric = 'iterations') AS iterations,
            sumMergeIf(total, metric = 'dropped_iterations') AS dropped,
            sumMergeIf(total, metric = 'http_req_failed') AS failed,
            countMergeIf(n, metric = 'http_req_failed') AS checked,
            quantilesMergeIf(0.5, 0.95, 0.99)(q, metric = 'http_req_duration') AS qs
     FROM ${store.t('k6_minute')} WHERE run_id = {runId:String}`,
    { runId },
  )
  const qs = (r?.qs as number[] | undefined) ?? []
  const iterations = n(r?.iterations)
  const dropped = n(r?.dropped)
  return {
    requests: n(r?.requests),
    iterations,
    dropped,
    failed: n(r?.failed),
    errorRate: n(r?.checked) > 0 ? n(r?.failed) / n(r?.checked) : 0,
    p50: n(qs[0]),
    p95: n(qs[1]),
    p99: n(qs[2]),
    achievedRatio: iterations + dropped > 0 ? iterations / (iterations + dropped) : 1,
  }
}

export interface SlaCompliance {
  metric: string
  ruleId: string
  verdicts: number
  ok: number
  /** ok / verdicts */
  rate: number
}

/** SLA compliance per verdict metric (pickup_48h = SHIP-1, trace_24h = SHIP-2, reply_rate = EXP-1, …). */
export async function slaCompliance(store: Store, runId: string): Promise<SlaCompliance[]> {
  const rows = await queryRows<Record<string, unknown>>(
    store,
    `SELECT metric, any(rule_id) AS rule_id, count() AS verdicts, sum(ok) AS ok
     FROM ${store.t('sla_verdicts')} FINAL WHERE run_id = {runId:String}
     GROUP BY metric ORDER BY metric`,
    { runId },
  )
  return rows.map((r) => ({
    metric: String(r.metric),
    ruleId: String(r.rule_id),
    verdicts: n(r.verdicts),
    ok: n(r.ok),
    rate: n(r.verdicts) > 0 ? n(r.ok) / n(r.verdicts) : 0,
  }))
}

export interface MerchantSla {
  merchantId: string
  /** Share of orders picked up within 48 h (SHIP-1); null without verdicts. */
  pickup48hRate: number | null
  /** Share of pickups with a trace update within 24 h (SHIP-2). */
  trace24hRate: number | null
  /** EXP-1 reply rate (mean verdict value, 0..1). */
  replyRate: number | null
  /** EXP-2 manual response time (mean verdict value, seconds). */
  manualResponseSec: number | null
  /** EXP-3 composite experience score (mean verdict value). */
  experienceScore: number | null
  /** Verdicts that failed, any metric. */
  failed: number
}

/** Per-merchant SLA: 48 h pickup rate, 24 h trace rate, EXP-1 reply rate, EXP-2 time, EXP-3 score. */
export async function slaByMerchant(store: Store, runId: string, limit = 1000): Promise<MerchantSla[]> {
  const rows = await queryRows<Record<string, unknown>>(
    store,
    `SELECT merchant_id,
            if(countIf(metric = 'pickup_48h') > 0, avgIf(ok, metric = 'pickup_48h'), NULL) AS pickup,
            if(countIf(metric = 'trace_24h') > 0, avgIf(ok, metric = 'trace_24h'), NULL) AS trace,
            if(countIf(metric = 'reply_rate') > 0, avgIf(value, metric = 'reply_rate'), NULL) AS reply,
            if(countIf(metric = 'manual_response_time') > 0, avgIf(value, metric = 'manual_response_time'), NULL) AS manual,
            if(countIf(metric = 'experience_score') > 0, avgIf(value, metric = 'experience_score'), NULL) AS score,
            countIf(ok = 0) AS failed
     FROM ${store.t('sla_verdicts')} FINAL WHERE run_id = {runId:String} AND merchant_id != ''
     GROUP BY merchant_id ORDER BY failed DESC, merchant_id LIMIT {limit:UInt32}`,
    { runId, limit },
  )
  const opt = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  return rows.map((r) => ({
    merchantId: String(r.merchant_id),
    pickup48hRate: opt(r.pickup),
    trace24hRate: opt(r.trace),
    replyRate: opt(r.reply),
    manualResponseSec: opt(r.manual),
    experienceScore: opt(r.score),
    failed: n(r.failed),
  }))
}

export interface PayoutGroup {
  key: string
  payouts: number
  amountFen: number
}

export type PayoutDimension = 'cause' | 'rule_id' | 'merchant_id' | 'wave' | 'sku_id'

/** Payouts grouped by one dimension (cause, rule ID, merchant, wave, SKU), largest amount first. */
export async function payoutsBy(
  store: Store,
  runId: string,
  dim: PayoutDimension,
  limit = 1000,
): Promise<PayoutGroup[]> {
  const col = {
    cause: 'cause',
    rule_id: 'rule_id',
    merchant_id: 'merchant_id',
    wave: 'toString(wave)',
    sku_id: 'sku_id',
  }[dim]
  const rows = await queryRows<Record<string, unknown>>(
    store,
    `SELECT ${col} AS key, count() AS payouts, sum(amount_fen) AS amount
     FROM ${store.t('payouts')} FINAL WHERE run_id = {runId:String}
     GROUP BY key ORDER BY amount DESC, key LIMIT {limit:UInt32}`,
    { runId, limit },
  )
  return rows.map((r) => ({ key: String(r.key), payouts: n(r.payouts), amountFen: n(r.amount) }))
}

/** Top merchants by payout amount (the "top offenders"). */
export function topMerchantsByPayout(store: Store, runId: string, limit = 10): Promise<PayoutGroup[]> {
  return payoutsBy(store, runId, 'merchant_id', limit)
}

/** Oversell payouts (PAY-3) per SKU. */
export async function oversellPayouts(
  store: Store,
  runId: string,
  limit = 100,
): Promise<Array<PayoutGroup & { merchantId: string }>> {
  const rows = await queryRows<Record<string, unknown>>(
    store,
    `SELECT sku_id AS key, any(merchant_id) AS merchant_id, count() AS payouts, sum(amount_fen) AS amount
     FROM ${store.t('payouts')} FINAL WHERE run_id = {runId:String} AND cause = 'oversell'
     GROUP BY key ORDER BY amount DESC, key LIMIT {limit:UInt32}`,
    { runId, limit },
  )
  return rows.map((r) => ({
    key: String(r.key),
    merchantId: String(r.merchant_id),
    payouts: n(r.payouts),
    amountFen: n(r.amount),
  }))
}

export interface PayoutHour {
  /** Start of the simulated hour, epoch ms. */
  hour: number
  cause: string
  payouts: number
  amountFen: number
}

/** Payouts by simulated hour and cause (the "payouts over time" chart). */
export async function payoutsByHour(store: Store, runId: string): Promise<PayoutHour[]> {
  const rows = await queryRows<Record<string, unknown>>(
    store,
    `SELECT intDiv(sim_time, 3600000) * 3600000 AS hour, cause, count() AS payouts, sum(amount_fen) AS amount
     FROM ${store.t('payouts')} FINAL WHERE run_id = {runId:String}
     GROUP BY hour, cause ORDER BY hour, cause`,
    { runId },
  )
  return rows.map((r) => ({
    hour: n(r.hour),
    cause: String(r.cause),
    payouts: n(r.payouts),
    amountFen: n(r.amount),
  }))
}

export interface PayoutSummary {
  payouts: number
  amountFen: number
  oversellFen: number
}

/** Total payouts of a run, and the oversell share. */
export async function payoutSummary(store: Store, runId: string): Promise<PayoutSummary> {
  const [r] = await queryRows<Record<string, unknown>>(
    store,
    `SELECT count() AS payouts, sum(amount_fen) AS amount, sumIf(amount_fen, cause = 'oversell') AS oversell
     FROM ${store.t('payouts')} FINAL WHERE run_id = {runId:String}`,
    { runId },
  )
  return { payouts: n(r?.payouts), amountFen: n(r?.amount), oversellFen: n(r?.oversell) }
}

/** The figures `d11 compare` checks budgets against (lower is better except `achieved`). */
export interface RunFigures {
  p50: number
  p95: number
  p99: number
  error_rate: number
  dropped: number
  achieved: number
  payout: number
  sla_ok: number
}

export async function runFigures(store: Store, runId: string): Promise<RunFigures> {
  const [load, pay, sla] = await Promise.all([
    loadSummary(store, runId),
    payoutSummary(store, runId),
    slaCompliance(store, runId),
  ])
  const verdicts = sla.reduce((a, s) => a + s.verdicts, 0)
  return {
    p50: load.p50,
    p95: load.p95,
    p99: load.p99,
    error_rate: load.errorRate,
    dropped: load.dropped,
    achieved: load.achievedRatio,
    payout: pay.amountFen,
    sla_ok: verdicts > 0 ? sla.reduce((a, s) => a + s.ok, 0) / verdicts : 1,
  }
}
