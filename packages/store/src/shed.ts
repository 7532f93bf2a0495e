import type { BucketSeconds } from './analysis.ts'
import { queryRows, type Store } from './connection.ts'

/**
 * `@d11/store/shed`: requests the platform shed (HTTP 503: `PLAT_ERR_SHED` past capacity,
 * `PLAT_ERR_OVERLOADED` past `maxInFlight`) from the stored k6 samples — the `status` tag of
 * `http_reqs` points, which every k6 HTTP sample carries whatever the scenario counts.
 */

export interface ShedBucket {
  /** Start of the bucket, epoch ms (wall clock). */
  t: number
  /** 503 answers per second over the bucket (the last bucket: over the seconds it covers). */
  shedRate: number
}

export interface ShedSummary {
  /** All HTTP requests of the run (`http_reqs` points). */
  requests: number
  /** Of which answered 503. */
  shed: number
  /** shed / requests (0 without requests). */
  shedRatio: number
}

const n = (v: unknown) => Number(v ?? 0) || 0

export async function shedSummary(store: Store, runId: string): Promise<ShedSummary> {
  const [r] = await queryRows<Record<string, unknown>>(
    store,
    `SELECT sum(value) AS requests, sumIf(value, tags['status'] = '503') AS shed
     FROM ${store.t('k6_samples')} FINAL WHERE run_id = {runId:String} AND metric = 'http_reqs'`,
    { runId },
  )
  const requests = n(r?.requests)
  const shed = n(r?.shed)
  return { requests, shed, shedRatio: requests > 0 ? shed / requests : 0 }
}

/** 503 answers per second in each wall-clock bucket that has any HTTP request. */
export async function shedByBucket(
  store: Store,
  runId: string,
  bucketS: BucketSeconds,
): Promise<ShedBucket[]> {
  const rows = await queryRows<Record<string, unknown>>(
    store,
    `SELECT toUnixTimestamp(toStartOfInterval(ts, toIntervalSecond({bucketS:UInt32}))) * 1000 AS t,
            sumIf(value, tags['status'] = '503') AS shed,
            toUnixTimestamp64Milli(max(ts)) AS last
     FROM ${store.t('k6_samples')} FINAL
     WHERE run_id = {runId:String} AND metric = 'http_reqs'
     GROUP BY t ORDER BY t`,
    { runId, bucketS },
  )
  const lastT = rows.length > 0 ? n(rows[rows.length - 1]?.t) : 0
  return rows.map((r) => {
    const t = n(r.t)
    // The last bucket covers only the seconds up to the run's last request.
    const seconds =
      t === lastT ? Math.min(bucketS, Math.max(1, Math.ceil((n(r.last) - t + 1) / 1000))) : bucketS
    return { t, shedRate: n(r.shed) / seconds }
  })
}
