import { WARMUP_SCENARIO } from './analysis.ts'
import { queryRows, type Store } from './connection.ts'

/**
 * `@d11/store/answers`: the three questions a run report answers first — did the launch hold its
 * latency SLO, which orders missed the 48 h pickup (and whose), what the payouts cost by cause and
 * rule — one query each, read with `FINAL` like the rest of the evidence queries.
 */

const n = (v: unknown) => Number(v ?? 0)

/** The endpoint whose latency the launch answer judges: placing an order. */
export const LAUNCH_ENDPOINT = 'orders.place'

export interface LaunchLatency {
  /** Wall instant (epoch ms) of the launch: the second with the highest target arrival rate. */
  at: number
  /** Wall span judged, ms from `at`. */
  spanMs: number
  requests: number
  p99: number
  /** The p99 SLO of the endpoint as the run recorded it (`parameters.slos`), or null when none was. */
  sloP99: number | null
}

/**
 * p99 of `orders.place` in the launch minute: from the wall second of the 00:00 launch (the second
 * whose target rate is the highest of the load's stages) for one wall minute, or to the end of
 * the load. `launchAt` comes from the arrival buckets (`arrivalByBucket`), which know the stages.
 */
export async function launchLatency(
  store: Store,
  runId: string,
  launchAt: number,
  sloP99?: number,
  spanMs = 60_000,
): Promise<LaunchLatency> {
  const [r] = await queryRows<Record<string, unknown>>(
    store,
    `SELECT count() AS requests, quantile(0.99)(value) AS p99
     FROM ${store.t('k6_samples')}
     WHERE run_id = {runId:String} AND metric = 'http_req_duration' AND tags['name'] = {name:String}
       AND scenario != {warmup:String}
       AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})`,
    { runId, name: LAUNCH_ENDPOINT, from: launchAt, to: launchAt + spanMs, warmup: WARMUP_SCENARIO },
  )
  const requests = n(r?.requests)
  return {
    at: launchAt,
    spanMs,
    requests,
    p99: requests > 0 ? n(r?.p99) : 0,
    sloP99: sloP99 ?? null,
  }
}

export interface LatePickups {
  /** Orders judged against the 48 h pickup (SHIP-1). */
  judged: number
  late: number
  /** Late orders inside PAY-2's no-auto-compensation window: compensation withheld. */
  withheld: number
  withheldFen: number
  /** Merchants with late orders, most first. */
  merchants: Array<{ merchantId: string; late: number; judged: number }>
}

/** Orders that missed the 48 h pickup, the merchants responsible and the compensation withheld. */
export async function latePickups(store: Store, runId: string, limit = 10): Promise<LatePickups> {
  const merchants = await queryRows<Record<string, unknown>>(
    store,
    `SELECT merchant_id, countIf(ok = 0) AS late, count() AS judged
     FROM ${store.t('sla_verdicts')} FINAL
     WHERE run_id = {runId:String} AND metric = 'pickup_48h'
     GROUP BY merchant_id ORDER BY late DESC, merchant_id`,
    { runId },
  )
  const [w] = await queryRows<Record<string, unknown>>(
    store,
    `SELECT count() AS withheld, sum(amount_fen) AS fen FROM ${store.t('events')} FINAL
     WHERE run_id = {runId:String} AND kind = 'compensation.withheld'`,
    { runId },
  )
  const rows = merchants.map((m) => ({
    merchantId: String(m.merchant_id),
    late: n(m.late),
    judged: n(m.judged),
  }))
  return {
    judged: rows.reduce((a, m) => a + m.judged, 0),
    late: rows.reduce((a, m) => a + m.late, 0),
    withheld: n(w?.withheld),
    withheldFen: n(w?.fen),
    merchants: rows.filter((m) => m.late > 0).slice(0, limit),
  }
}

export interface PayoutLine {
  cause: string
  ruleId: string
  payouts: number
  amountFen: number
}

/** Payouts by (cause, rule ID), largest amount first. */
export async function payoutsByCauseAndRule(store: Store, runId: string): Promise<PayoutLine[]> {
  const rows = await queryRows<Record<string, unknown>>(
    store,
    `SELECT cause, rule_id, count() AS payouts, sum(amount_fen) AS amount
     FROM ${store.t('payouts')} FINAL WHERE run_id = {runId:String}
     GROUP BY cause, rule_id ORDER BY amount DESC, cause, rule_id`,
    { runId },
  )
  return rows.map((r) => ({
    cause: String(r.cause),
    ruleId: String(r.rule_id),
    payouts: n(r.payouts),
    amountFen: n(r.amount),
  }))
}
