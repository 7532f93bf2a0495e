import { type ArrivalStages, meanTargetRate, parseArrivalStages } from './arrival-stages.ts'
import { queryRows, type Store } from './connection.ts'
import { getRun } from './runs.ts'

/**
 * `@d11/store/analysis`: every question the report and `d11 compare` ask, one documented query each.
 * Load-test queries read the per-minute materialized view `k6_minute` (or, for the narrower buckets
 * of short runs, `k6_samples`: see {@link chooseBucket}); evidence queries read the
 * ReplacingMergeTree tables with `FINAL`, so replayed loads never double-count. Times come back as
 * epoch ms (UTC instants; format them in Asia/Shanghai at the edge). Money is integer fen.
 */

const n = (v: unknown) => Number(v ?? 0)

/**
 * The scenario of a load's warm-up (scenarios/lib/warmup.js): low-rate seconds before the measured
 * window that the launch answer, the summary figures and the latency bend leave out.
 */
export const WARMUP_SCENARIO = 'warmup'

/** Bucket widths the load charts use, seconds. */
export type BucketSeconds = 1 | 10 | 60

/**
 * The bucket for a load of `spanMs` wall milliseconds, so a short run still draws a curve:
 * 1 s under 2 minutes (15 s – 2 min runs: 15–120 points), 10 s under 20 minutes (12–120 points),
 * 60 s from 20 minutes on (read from the `k6_minute` materialized view). Narrower buckets read
 * `k6_samples` directly, which stays cheap for runs that short.
 */
export function chooseBucket(spanMs: number): BucketSeconds {
  if (spanMs < 120_000) return 1
  if (spanMs < 1_200_000) return 10
  return 60
}

export interface LoadSpan {
  /** First and last k6 sample, epoch ms. */
  from: number
  to: number
  /** {@link chooseBucket} of the span. */
  bucketS: BucketSeconds
}

/** Wall-clock span of a run's k6 samples and the bucket chosen for it; undefined without samples. */
export async function loadSpan(store: Store, runId: string): Promise<LoadSpan | undefined> {
  const [r] = await queryRows<Record<string, unknown>>(
    store,
    `SELECT count() AS c, toUnixTimestamp64Milli(min(ts)) AS from, toUnixTimestamp64Milli(max(ts)) AS to
     FROM ${store.t('k6_samples')} WHERE run_id = {runId:String}`,
    { runId },
  )
  if (!r || n(r.c) === 0) return undefined
  const from = n(r.from)
  const to = n(r.to)
  return { from, to, bucketS: chooseBucket(to - from) }
}

interface BucketRow {
  scenario: string
  metric: string
  /** Bucket start, epoch ms. */
  t: number
  n: number
  total: number
  qs: number[]
}

/**
 * Per scenario, metric and bucket: count, sum and p50/p95/p99 of the sample values. A 60 s bucket
 * merges the `k6_minute` view's states; narrower buckets aggregate `k6_samples` (both rely on the
 * ingest's insert deduplication, so a replayed file is counted once either way).
 */
async function buckets(
  store: Store,
  runId: string,
  bucketS: BucketSeconds,
  metrics: string[],
): Promise<BucketRow[]> {
  const sql =
    bucketS === 60
      ? `SELECT scenario, metric, toUnixTimestamp(minute) * 1000 AS t, countMerge(n) AS n,
                sumMerge(total) AS total, quantilesMerge(0.5, 0.95, 0.99)(q) AS qs
         FROM ${store.t('k6_minute')}
         WHERE run_id = {runId:String} AND metric IN {metrics:Array(String)}
         GROUP BY scenario, metric, t ORDER BY scenario, metric, t`
      : `SELECT scenario, metric,
                toUnixTimestamp(toStartOfInterval(ts, toIntervalSecond({bucketS:UInt32}))) * 1000 AS t,
                count() AS n, sum(value) AS total, quantiles(0.5, 0.95, 0.99)(value) AS qs
         FROM ${store.t('k6_samples')}
         WHERE run_id = {runId:String} AND metric IN {metrics:Array(String)}
         GROUP BY scenario, metric, t ORDER BY scenario, metric, t`
  const rows = await queryRows<Record<string, unknown>>(store, sql, { runId, metrics, bucketS })
  return rows.map((r) => ({
    scenario: String(r.scenario),
    metric: String(r.metric),
    t: n(r.t),
    n: n(r.n),
    total: n(r.total),
    qs: (r.qs as number[]).map(n),
  }))
}

export interface LatencyBucket {
  scenario: string
  /** Start of the bucket, epoch ms (wall clock). */
  t: number
  requests: number
  p50: number
  p95: number
  p99: number
}

/**
 * Latency p50/p95/p99 (ms) of `http_req_duration` per scenario per bucket. Scenario `''` holds
 * the requests of k6's setup()/teardown(), which carry no scenario tag.
 */
export async function latencyByBucket(
  store: Store,
  runId: string,
  bucketS: BucketSeconds,
): Promise<LatencyBucket[]> {
  return (await buckets(store, runId, bucketS, ['http_req_duration'])).map((r) => ({
    scenario: r.scenario,
    t: r.t,
    requests: r.n,
    p50: n(r.qs[0]),
    p95: n(r.qs[1]),
    p99: n(r.qs[2]),
  }))
}

export interface LatencyMinute {
  scenario: string
  /** Start of the minute, epoch ms. */
  minute: number
  requests: number
  p50: number
  p95: number
  p99: number
}

/** Latency p50/p95/p99 (ms) of `http_req_duration` per scenario per minute (the view). */
export async function latencyByMinute(store: Store, runId: string): Promise<LatencyMinute[]> {
  return (await latencyByBucket(store, runId, 60)).map(({ t, ...r }) => ({ ...r, minute: t }))
}

export interface ErrorBucket {
  scenario: string
  /** Start of the bucket, epoch ms (wall clock). */
  t: number
  requests: number
  failed: number
  /** failed / requests, 0..1 */
  errorRate: number
}

/** Error rate per scenario per bucket: k6's `http_req_failed` rate metric (1 = failed request). */
export async function errorRateByBucket(
  store: Store,
  runId: string,
  bucketS: BucketSeconds,
): Promise<ErrorBucket[]> {
  return (await buckets(store, runId, bucketS, ['http_req_failed'])).map((r) => ({
    scenario: r.scenario,
    t: r.t,
    requests: r.n,
    failed: r.total,
    errorRate: r.n > 0 ? r.total / r.n : 0,
  }))
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
  return (await errorRateByBucket(store, runId, 60)).map(({ t, ...r }) => ({ ...r, minute: t }))
}

/** Where a bucket's target rate came from. */
export type TargetSource = 'metric' | 'stages' | 'parameter' | 'none'

export interface ArrivalBucket {
  /** Start of the bucket, epoch ms (wall clock). */
  t: number
  /** Mean target arrivals/s over the bucket (see {@link arrivalByBucket}). */
  targetRate: number
  /** Started iterations per second over the bucket. */
  achievedRate: number
  /** k6 `dropped_iterations` in the bucket. */
  dropped: number
  targetSource: TargetSource
}

/**
 * When the arrival stages started, epoch ms: the start of the first request of a measured scenario
 * (`ts - http_req_duration`: setup() and any warm-up are over, the first iteration began), else the run's
 * `parameters.loadStartedAt` (taken before the engine started, so it includes setup()).
 */
async function stagesStart(store: Store, runId: string, loadStartedAt: number): Promise<number> {
  const [r] = await queryRows<Record<string, unknown>>(
    store,
    `SELECT count() AS c, min(toUnixTimestamp64Milli(ts) - value) AS first
     FROM ${store.t('k6_samples')}
     WHERE run_id = {runId:String} AND metric = 'http_req_duration'
       AND scenario NOT IN ('', {warmup:String})`,
    { runId, warmup: WARMUP_SCENARIO },
  )
  return r && n(r.c) > 0 ? Math.round(n(r.first)) : loadStartedAt
}

/**
 * Achieved vs target arrival rate per bucket, all scenarios together. Achieved is `iterations`
 * per second (the last, partial bucket is divided by the seconds it covers). Target, first found:
 * 1. `metric`: the sum over scenarios of each one's mean `d11_target_rate` gauge;
 * 2. `stages`: the ramping-arrival-rate stages the load ran (`parameters.stages`, recorded by
 *    `d11 load` / `d11 run` from `stages.json`), averaged over the bucket from the stages' start;
 * 3. `parameter`: the run's constant `parameters.targetRate`; else 0 (`none`).
 */
export async function arrivalByBucket(
  store: Store,
  runId: string,
  bucketS: BucketSeconds,
): Promise<ArrivalBucket[]> {
  const rows = await buckets(store, runId, bucketS, ['iterations', 'dropped_iterations', 'd11_target_rate'])
  const run = await getRun(store, runId)
  const params = run?.parameters ?? {}
  const paramRate = n(params.targetRate)
  let stages: ArrivalStages | undefined
  if (params.stages !== undefined) {
    try {
      stages = parseArrivalStages(params.stages)
    } catch {
      stages = undefined // a malformed manifest must not break the report: fall back
    }
  }
  const anchor = stages ? await stagesStart(store, runId, n(params.loadStartedAt)) : 0
  const [span] = await queryRows<{ last: number }>(
    store,
    `SELECT toUnixTimestamp64Milli(max(ts)) AS last FROM ${store.t('k6_samples')} WHERE run_id = {runId:String} AND metric = 'iterations'`,
    { runId },
  )
  const last = n(span?.last)
  const byT = new Map<number, { iterations: number; dropped: number; target: number; hasTarget: boolean }>()
  for (const r of rows) {
    const b = byT.get(r.t) ?? { iterations: 0, dropped: 0, target: 0, hasTarget: false }
    if (r.metric === 'iterations') b.iterations += r.total
    else if (r.metric === 'dropped_iterations') b.dropped += r.total
    else if (r.n > 0) {
      b.target += r.total / r.n
      b.hasTarget = true
    }
    byT.set(r.t, b)
  }
  const width = bucketS * 1000
  // Every bucket from the first to the last, so a quiet second still shows its target.
  const ts = [...byT.keys()]
  const first = Math.min(...ts)
  for (let t = first; ts.length > 0 && t <= Math.max(...ts); t += width)
    if (!byT.has(t)) byT.set(t, { iterations: 0, dropped: 0, target: 0, hasTarget: false })
  return [...byT.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, b]) => {
      const seconds = last >= t && last < t + width ? Math.max(1, Math.ceil((last - t + 1) / 1000)) : bucketS
      let targetRate = paramRate
      let targetSource: TargetSource = paramRate > 0 ? 'parameter' : 'none'
      if (b.hasTarget) {
        targetRate = b.target
        targetSource = 'metric'
      } else if (stages && anchor > 0) {
        targetRate = meanTargetRate(stages, (t - anchor) / 1000, (t + width - anchor) / 1000)
        targetSource = 'stages'
      }
      return { t, targetRate, achievedRate: b.iterations / seconds, dropped: b.dropped, targetSource }
    })
}

export interface ArrivalMinute {
  minute: number
  /** Mean target arrivals/s: the `d11_target_rate` gauge, else the stages, else `parameters.targetRate`. */
  targetRate: number
  /** Started iterations per second over the minute. */
  achievedRate: number
  /** k6 `dropped_iterations` in the minute. */
  dropped: number
}

/** {@link arrivalByBucket} per minute (the view). */
export async function arrivalByMinute(store: Store, runId: string): Promise<ArrivalMinute[]> {
  return (await arrivalByBucket(store, runId, 60)).map((a) => ({
    minute: a.t,
    targetRate: a.targetRate,
    achievedRate: a.achievedRate,
    dropped: a.dropped,
  }))
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

/**
 * Whole-run load figures: request count, latency quantiles, error rate, dropped iterations; the
 * warm-up's samples ({@link WARMUP_SCENARIO}) are not the run's and are left out.
 */
export async function loadSummary(store: Store, runId: string): Promise<LoadSummary> {
  const [r] = await queryRows<Record<string, unknown>>(
    store,
    `SELECT countMergeIf(n, metric = 'http_req_duration') AS requests,
            sumMergeIf(total, metric = 'iterations') AS iterations,
            sumMergeIf(total, metric = 'dropped_iterations') AS dropped,
            sumMergeIf(total, metric = 'http_req_failed') AS failed,
            countMergeIf(n, metric = 'http_req_failed') AS checked,
            quantilesMergeIf(0.5, 0.95, 0.99)(q, metric = 'http_req_duration') AS qs
     FROM ${store.t('k6_minute')} WHERE run_id = {runId:String} AND scenario != {warmup:String}`,
    { runId, warmup: WARMUP_SCENARIO },
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

/** Wall span (epoch ms) of a load's warm-up samples; undefined when it ran none. */
export async function warmupSpan(
  store: Store,
  runId: string,
): Promise<{ from: number; to: number } | undefined> {
  const [r] = await queryRows<Record<string, unknown>>(
    store,
    `SELECT count() AS c, toUnixTimestamp64Milli(min(ts)) AS from, toUnixTimestamp64Milli(max(ts)) AS to
     FROM ${store.t('k6_samples')} WHERE run_id = {runId:String} AND scenario = {warmup:String}`,
    { runId, warmup: WARMUP_SCENARIO },
  )
  return r && n(r.c) > 0 ? { from: n(r.from), to: n(r.to) } : undefined
}

export interface SimSpan {
  /** Earliest and latest simulated time (epoch ms) of the table's rows; 0 when it has none. */
  from: number
  to: number
  rows: number
}

/** Simulated-time span of a run's SLA verdicts or payouts (what the evidence charts cover). */
export async function simSpan(
  store: Store,
  runId: string,
  table: 'sla_verdicts' | 'payouts',
): Promise<SimSpan> {
  const [r] = await queryRows<Record<string, unknown>>(
    store,
    `SELECT count() AS c, min(sim_time) AS from, max(sim_time) AS to
     FROM ${store.t(table)} FINAL WHERE run_id = {runId:String} AND sim_time > 0`,
    { runId },
  )
  return n(r?.c) > 0 ? { from: n(r?.from), to: n(r?.to), rows: n(r?.c) } : { from: 0, to: 0, rows: 0 }
}

export interface EventHour {
  /** Start of the simulated hour, epoch ms. */
  hour: number
  kind: string
  events: number
}

/** Platform events per simulated hour and kind (rows without a simulated time are left out). */
export async function eventsByHour(store: Store, runId: string): Promise<EventHour[]> {
  const rows = await queryRows<Record<string, unknown>>(
    store,
    `SELECT intDiv(sim_time, 3600000) * 3600000 AS hour, kind, count() AS events
     FROM ${store.t('events')} FINAL WHERE run_id = {runId:String} AND sim_time > 0
     GROUP BY hour, kind ORDER BY hour, kind`,
    { runId },
  )
  return rows.map((r) => ({ hour: n(r.hour), kind: String(r.kind), events: n(r.events) }))
}

export interface SlaHour {
  /** Start of the simulated hour in which the verdicts were judged, epoch ms. */
  hour: number
  metric: string
  verdicts: number
  ok: number
}

/** SLA verdicts per simulated hour and metric, met (`ok`) and all (rows without a simulated time are left out). */
export async function slaByHour(store: Store, runId: string): Promise<SlaHour[]> {
  const rows = await queryRows<Record<string, unknown>>(
    store,
    `SELECT intDiv(sim_time, 3600000) * 3600000 AS hour, metric, count() AS verdicts, sum(ok) AS ok
     FROM ${store.t('sla_verdicts')} FINAL WHERE run_id = {runId:String} AND sim_time > 0
     GROUP BY hour, metric ORDER BY hour, metric`,
    { runId },
  )
  return rows.map((r) => ({
    hour: n(r.hour),
    metric: String(r.metric),
    verdicts: n(r.verdicts),
    ok: n(r.ok),
  }))
}
