import { queryRows, type Store } from './connection.ts'
import { StoreError } from './errors.ts'

/** `@d11/store/runs`: the run manifest (one row per run, latest `updated_at` wins). */

export type RunKind = 'load' | 'whatif' | 'serve'
export type RunStatus = 'running' | 'passed' | 'failed' | 'interrupted'

export interface RunManifest {
  runId: string
  kind: RunKind
  status: RunStatus
  seed?: number
  /** Generator scale name (`tiny`, `small`, …), as given to `d11 gen --scale`. */
  scale?: string
  calendar?: string
  scenario?: string
  gitSha?: string
  /**
   * Free-form run parameters. The report reads `stages` (the ramping-arrival-rate stages the load
   * ran: `{ startRate, stages: [{ target, duration }] }`) and `loadStartedAt` (epoch ms) for the
   * target arrival line, else a constant `targetRate` (arrivals/s), when k6 sent no target metric.
   */
  parameters?: Record<string, unknown>
  /** Epoch ms. */
  startedAt?: number
  /** Epoch ms; 0 while running. */
  finishedAt?: number
}

const KINDS: RunKind[] = ['load', 'whatif', 'serve']
const STATUSES: RunStatus[] = ['running', 'passed', 'failed', 'interrupted']

/**
 * Writes (or updates) a run manifest. `updatedAt` is the row version; pass it explicitly from
 * seeded code, otherwise the wall clock is used.
 */
export async function upsertRun(
  store: Store,
  run: RunManifest,
  updatedAt: number = Date.now(),
): Promise<void> {
  if (!run.runId) throw new StoreError('STORE_ERR_RUN_ID', 'upsertRun: `runId` is required')
  if (!KINDS.includes(run.kind))
    throw new StoreError(
      'STORE_ERR_RUN_KIND',
      `upsertRun: kind "${run.kind}" must be one of ${KINDS.join(', ')}`,
    )
  if (!STATUSES.includes(run.status)) {
    throw new StoreError(
      'STORE_ERR_RUN_STATUS',
      `upsertRun: status "${run.status}" must be one of ${STATUSES.join(', ')}`,
    )
  }
  if (run.scale !== undefined && typeof run.scale !== 'string') {
    throw new StoreError(
      'STORE_ERR_RUN_SCALE',
      `upsertRun: scale ${JSON.stringify(run.scale)} must be a scale name such as "tiny"`,
    )
  }
  await store.client.insert({
    table: store.t('runs'),
    format: 'JSONEachRow',
    values: [
      {
        run_id: run.runId,
        kind: run.kind,
        status: run.status,
        seed: run.seed ?? 0,
        scale: run.scale ?? '',
        calendar: run.calendar ?? '',
        scenario: run.scenario ?? '',
        git_sha: run.gitSha ?? '',
        parameters: JSON.stringify(run.parameters ?? {}),
        started_at: run.startedAt ?? 0,
        finished_at: run.finishedAt ?? 0,
        updated_at: updatedAt,
      },
    ],
  })
}

export async function getRun(store: Store, runId: string): Promise<RunManifest | undefined> {
  const rows = await queryRows<Record<string, string | number>>(
    store,
    `SELECT * FROM ${store.t('runs')} FINAL WHERE run_id = {runId:String}`,
    { runId },
  )
  const r = rows[0]
  if (!r) return undefined
  return {
    runId: String(r.run_id),
    kind: r.kind as RunKind,
    status: r.status as RunStatus,
    seed: Number(r.seed),
    // Rows written before migration 007 hold the number 0 (no scale recorded) as '0'.
    scale: r.scale === '' || r.scale === '0' ? undefined : String(r.scale),
    calendar: String(r.calendar),
    scenario: String(r.scenario),
    gitSha: String(r.git_sha),
    parameters: JSON.parse(String(r.parameters || '{}')) as Record<string, unknown>,
    startedAt: Number(r.started_at),
    finishedAt: Number(r.finished_at),
  }
}

/** Runs known to the store: manifests plus any run id that only has k6 samples or evidence. */
export async function listRuns(
  store: Store,
): Promise<Array<{ runId: string; kind: string; status: string; k6Samples: number }>> {
  const rows = await queryRows<{ run_id: string; kind: string; status: string; n: number }>(
    store,
    `SELECT run_id, max(kind) AS kind, max(status) AS status, sum(n) AS n FROM (
       SELECT run_id, kind, status, 0 AS n FROM ${store.t('runs')} FINAL
       UNION ALL SELECT run_id, '' AS kind, '' AS status, countMerge(n) AS n FROM ${store.t('k6_minute')} GROUP BY run_id
       UNION ALL SELECT DISTINCT run_id, '', '', 0 FROM ${store.t('events')}
       UNION ALL SELECT DISTINCT run_id, '', '', 0 FROM ${store.t('payouts')}
     ) GROUP BY run_id ORDER BY run_id`,
  )
  return rows.map((r) => ({ runId: r.run_id, kind: r.kind, status: r.status, k6Samples: Number(r.n) }))
}
