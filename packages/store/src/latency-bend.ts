import { WARMUP_SCENARIO } from './analysis.ts'
import { queryRows, type Store } from './connection.ts'
import { getRun } from './runs.ts'

/**
 * `@d11/store/latency-bend`: where latency bends as the arrival rate grows. Every wall second of a
 * load is placed by the arrival rate it achieved (iterations started that second, measured
 * scenarios only: no setup(), no warm-up); seconds are binned by that rate and each bin's requests
 * give p50 and p99. Done for a run and for every other stored run of the same scenario and world
 * (seed, scale, calendar) at another `--peak-rps`, so running twice overlays two curves.
 */

const n = (v: unknown) => Number(v ?? 0)

/** A rate bin with fewer requests than this gives no p99 worth drawing: left out. */
export const MIN_BIN_REQUESTS = 100

/** p99 "bends" where it first exceeds this many times the p99 at the lowest rates … */
export const BEND_FACTOR = 2

/**
 * … and this many ms above it: on an idle machine p99 doubles from 3 to 7 ms long before anyone
 * would call the curve bent. A default, not from a source.
 */
export const BEND_MIN_RISE_MS = 50

/** The p99 past which a rate bin counts as bent, for a baseline p99. */
export function bendThreshold(baseP99: number): number {
  return Math.max(BEND_FACTOR * baseP99, baseP99 + BEND_MIN_RISE_MS)
}

/** The p99 at the lowest rates: the median p99 of this many lowest-rate bins (one noisy bin is not the baseline). */
export const BASELINE_BINS = 3

export interface RatePoint {
  /** Mean achieved arrivals/s of the bin's seconds. */
  rate: number
  seconds: number
  requests: number
  p50: number
  p99: number
}

export interface RunCurve {
  runId: string
  /** The run's `--peak-rps` (`parameters.peakRps`), null when it recorded none. */
  peakRps: number | null
  startedAt: number
  points: RatePoint[]
}

export interface Bend {
  /** Mean achieved arrivals/s of the first bin past the limit. */
  rate: number
  p99: number
  /** What was crossed: twice the baseline, or the SLO. */
  reason: 'factor' | 'slo'
}

export interface Baseline {
  /** Median p99 of the lowest-rate bins, ms. */
  p99: number
  /** Highest rate among those bins, arrivals/s. */
  upToRate: number
}

export interface LatencyBend {
  /** This run first, then the others by peak rate. */
  runs: RunCurve[]
  /** Width of the rate bins, arrivals/s. */
  binWidth: number
  /** All the runs' requests binned together: what the verdict reads. */
  pooled: RatePoint[]
  /** The p99 at the lowest rates ({@link BASELINE_BINS} lowest-rate pooled bins), the factor's base. */
  baseline: Baseline | null
  /** The p99 SLO the bend also respects (the strictest the run recorded), null when none. */
  sloP99: number | null
  bend: Bend | null
}

/** 1, 2, 2.5 or 5 × 10^k: the smallest of them at least `x`. */
export function niceStep(x: number): number {
  if (!(x > 0)) return 1
  const p = 10 ** Math.floor(Math.log10(x))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x && Number.isInteger(m * p)) return m * p
  return 10 * p
}

/** The p99 at the lowest rates: the median p99 of the {@link BASELINE_BINS} lowest-rate bins. */
export function baselineOf(pooled: readonly RatePoint[]): Baseline | null {
  const low = [...pooled].sort((a, b) => a.rate - b.rate).slice(0, BASELINE_BINS)
  if (low.length === 0) return null
  const p99s = low.map((p) => p.p99).sort((a, b) => a - b)
  const mid = Math.floor(p99s.length / 2)
  const p99 = p99s.length % 2 ? p99s[mid]! : (p99s[mid - 1]! + p99s[mid]!) / 2
  return { p99, upToRate: Math.max(...low.map((p) => p.rate)) }
}

/**
 * The bend of a pooled curve: the lowest-rate bin whose p99 exceeds {@link bendThreshold} of the
 * baseline ({@link baselineOf}) or the SLO, and whose next bin does too — a single slow bin
 * (a busy machine's hiccup) is no bend; null when no two adjacent bins do.
 */
export function findBend(pooled: readonly RatePoint[], sloP99: number | null): Bend | null {
  const sorted = [...pooled].sort((a, b) => a.rate - b.rate)
  const base = baselineOf(sorted)
  if (!base) return null
  const crossed = (p: RatePoint): Bend['reason'] | null =>
    sloP99 !== null && p.p99 > sloP99 ? 'slo' : p.p99 > bendThreshold(base.p99) ? 'factor' : null
  for (let i = 0; i + 1 < sorted.length; i++) {
    const p = sorted[i]!
    const reason = crossed(p)
    if (reason && crossed(sorted[i + 1]!)) return { rate: p.rate, p99: p.p99, reason }
  }
  return null
}

/** The strictest p99 in a run's recorded `parameters.slos` (`{ endpoint: [p95, p99] }`). */
export function strictestP99(parameters: Record<string, unknown> | undefined): number | null {
  const slos = parameters?.slos
  if (!slos || typeof slos !== 'object') return null
  const p99s = Object.values(slos as Record<string, unknown>)
    .map((pair) => (Array.isArray(pair) ? pair[1] : undefined))
    .filter((v): v is number => typeof v === 'number' && v > 0)
  return p99s.length > 0 ? Math.min(...p99s) : null
}

/**
 * `runId` and the latest finished load of each other `--peak-rps` with the same scenario, seed,
 * scale and calendar (a run at `runId`'s own rate is left out: this run speaks for it).
 */
export async function comparableRuns(
  store: Store,
  runId: string,
): Promise<Array<{ runId: string; peakRps: number | null; startedAt: number }>> {
  const run = await getRun(store, runId)
  if (!run) return []
  const peakOf = (p: Record<string, unknown> | undefined) =>
    typeof p?.peakRps === 'number' && p.peakRps > 0 ? p.peakRps : null
  const own = { runId, peakRps: peakOf(run.parameters), startedAt: run.startedAt ?? 0 }
  if (!run.scenario) return [own]
  const rows = await queryRows<Record<string, unknown>>(
    store,
    `SELECT run_id, parameters, started_at FROM ${store.t('runs')} FINAL
     WHERE kind = 'load' AND status != 'running' AND run_id != {runId:String}
       AND scenario = {scenario:String} AND seed = {seed:UInt64} AND scale = {scale:String}
       AND calendar = {calendar:String}
     ORDER BY started_at DESC, run_id`,
    {
      runId,
      scenario: run.scenario,
      seed: run.seed ?? 0,
      scale: run.scale ?? '',
      calendar: run.calendar ?? '',
    },
  )
  const byRate = new Map<number, { runId: string; peakRps: number; startedAt: number }>()
  for (const r of rows) {
    const peakRps = peakOf(JSON.parse(String(r.parameters || '{}')) as Record<string, unknown>)
    if (peakRps === null || peakRps === own.peakRps || byRate.has(peakRps)) continue
    byRate.set(peakRps, { runId: String(r.run_id), peakRps, startedAt: n(r.started_at) })
  }
  return [own, ...[...byRate.values()].sort((a, b) => a.peakRps - b.peakRps)]
}

/** Achieved arrivals per wall second of each run's measured scenarios. */
async function secondsRates(store: Store, runIds: string[]): Promise<Array<{ runId: string; rate: number }>> {
  const rows = await queryRows<Record<string, unknown>>(
    store,
    `SELECT run_id, toStartOfSecond(ts) AS s, sum(value) AS rate FROM ${store.t('k6_samples')}
     WHERE run_id IN {runIds:Array(String)} AND metric = 'iterations'
       AND scenario NOT IN ('', {warmup:String})
     GROUP BY run_id, s`,
    { runIds, warmup: WARMUP_SCENARIO },
  )
  return rows.map((r) => ({ runId: String(r.run_id), rate: n(r.rate) }))
}

interface BinRow {
  runId: string
  /** `floor(rate / width)` of the bin's seconds. */
  bin: number
  seconds: number
  requests: number
  p50: number
  p99: number
}

/** Requests binned by their second's achieved rate: per (run, bin) or, `pooled`, per bin over every run. */
async function binned(store: Store, runIds: string[], width: number, pooled: boolean): Promise<BinRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    store,
    `WITH secs AS (
       SELECT run_id, toStartOfSecond(ts) AS s, sum(value) AS rate FROM ${store.t('k6_samples')}
       WHERE run_id IN {runIds:Array(String)} AND metric = 'iterations'
         AND scenario NOT IN ('', {warmup:String})
       GROUP BY run_id, s)
     SELECT ${pooled ? "''" : 'r.run_id'} AS run, intDiv(toUInt64(a.rate), {width:UInt64}) AS bin,
            count() AS requests, uniqExact(r.run_id, r.s) AS seconds, quantiles(0.5, 0.99)(r.value) AS qs
     FROM (SELECT run_id, toStartOfSecond(ts) AS s, value FROM ${store.t('k6_samples')}
           WHERE run_id IN {runIds:Array(String)} AND metric = 'http_req_duration'
             AND scenario NOT IN ('', {warmup:String})) AS r
     INNER JOIN secs AS a ON a.run_id = r.run_id AND a.s = r.s
     GROUP BY run, bin HAVING requests >= {min:UInt32} ORDER BY run, bin`,
    { runIds, warmup: WARMUP_SCENARIO, width, min: MIN_BIN_REQUESTS },
  )
  return rows.map((r) => {
    const qs = (r.qs as number[]).map(n)
    return {
      runId: String(r.run),
      bin: n(r.bin),
      seconds: n(r.seconds),
      requests: n(r.requests),
      p50: n(qs[0]),
      p99: n(qs[1]),
    }
  })
}

/**
 * The latency-vs-rate curves of `runId` and its comparable runs ({@link comparableRuns}), the
 * pooled curve and where its p99 bends ({@link findBend}).
 */
export async function latencyBend(store: Store, runId: string, binCount = 20): Promise<LatencyBend> {
  const runs = await comparableRuns(store, runId)
  const run = await getRun(store, runId)
  const sloP99 = strictestP99(run?.parameters)
  const ids = runs.map((r) => r.runId)
  const seconds = ids.length > 0 ? await secondsRates(store, ids) : []
  const maxRate = Math.max(0, ...seconds.map((s) => s.rate))
  const binWidth = niceStep(maxRate / binCount)
  if (maxRate === 0) {
    return {
      runs: runs.map((r) => ({ ...r, points: [] })),
      binWidth,
      pooled: [],
      baseline: null,
      sloP99,
      bend: null,
    }
  }
  // a bin's x: the mean achieved rate of its seconds
  const toPoint = (row: BinRow, ofRun: string | null): RatePoint => {
    const inBin = seconds.filter(
      (s) => (ofRun === null || s.runId === ofRun) && Math.floor(s.rate / binWidth) === row.bin,
    )
    const rate = inBin.length > 0 ? inBin.reduce((a, s) => a + s.rate, 0) / inBin.length : row.bin * binWidth
    return { rate, seconds: row.seconds, requests: row.requests, p50: row.p50, p99: row.p99 }
  }
  const perRun = await binned(store, ids, binWidth, false)
  const pooledRows = await binned(store, ids, binWidth, true)
  const pooled = pooledRows.map((r) => toPoint(r, null))
  return {
    runs: runs.map((r) => ({
      ...r,
      points: perRun.filter((p) => p.runId === r.runId).map((p) => toPoint(p, r.runId)),
    })),
    binWidth,
    pooled,
    baseline: baselineOf(pooled),
    sloP99,
    bend: findBend(pooled, sloP99),
  }
}
