import { cellInputs } from './cell-inputs.ts'
import { type CellResult, deriveSeed, type Evidence, type EvidenceSink, simulate } from './engine.ts'
import type { Cell, GridValue, Scenario } from './scenario.ts'

/**
 * One grid cell end to end: seed, simulation and (optionally) its evidence in the spool.
 * Runs the same in the main thread and in a grid worker.
 */

/**
 * `common` (default): every cell uses the scenario seed, so cells differ only by their parameters
 * (common random numbers: a capacity change is never hidden by different arrivals). `per-cell`:
 * each cell's seed is derived from (seed, cell parameters), for independent replications.
 */
export type Seeding = 'common' | 'per-cell'

export interface CellOptions {
  seeding?: Seeding
  /** write evidence rows through `@d11/store/spool` into this folder */
  spoolDir?: string
  /** @default 'violations' */
  evidence?: Evidence
  /** `wall_time` stamped on evidence rows (the caller's clock; the engine reads none) @default 0 */
  wallTime?: number
}

export interface CellRun {
  index: number
  id: string
  params: Record<string, GridValue>
  runId: string
  seed: number
  scenario: string
  calendar: string
  merchantId: string
  result: CellResult
}

/** Canonical text of a cell's parameters (sorted keys), the input of its seed and run id. */
export function canonicalParams(params: Record<string, GridValue>): string {
  return JSON.stringify(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  )
}

export function cellSeed(
  s: Scenario,
  params: Record<string, GridValue>,
  seeding: Seeding = 'common',
): number {
  return seeding === 'per-cell' ? deriveSeed(s.seed, canonicalParams(params)) : s.seed
}

/** Deterministic run id: the same scenario, seed and cell always land on the same run (re-loads dedup). */
export function cellRunId(s: Scenario, params: Record<string, GridValue>, seed: number): string {
  const h = deriveSeed(seed, `${s.name}|${canonicalParams(params)}`)
    .toString(16)
    .padStart(8, '0')
  return `whatif-${s.name.replace(/[^\w-]/g, '_')}-${h}`
}

const orderId = (i: number) => `o-${String(i + 1).padStart(9, '0')}`

export async function runCell(cell: Cell, opts: CellOptions = {}): Promise<CellRun> {
  const seed = cellSeed(cell.scenario, cell.params, opts.seeding)
  const { scenario: s, arrivals } = await cellInputs(cell.scenario, seed)
  const runId = cellRunId(s, cell.params, seed)
  const wall = opts.wallTime ?? 0
  const m = s.merchantId
  let writer: import('@d11/store/spool').SpoolWriter | undefined
  let sink: EvidenceSink | undefined
  if (opts.spoolDir) {
    const { SpoolWriter } = await import('@d11/store/spool')
    const w = new SpoolWriter({ dir: opts.spoolDir, writerId: runId })
    writer = w
    let n = 0
    sink = {
      payout(p) {
        w.append('payouts', {
          payout_id: `${runId}:pay:${n++}`,
          run_id: runId,
          merchant_id: m,
          order_id: orderId(p.orderIndex),
          sku_id: p.sku,
          cause: p.cause,
          rule_id: p.ruleId,
          amount_fen: p.amountFen,
          wave: 2,
          sim_time: Math.round(p.simTime),
          wall_time: wall,
        })
      },
      verdict(v) {
        w.append('sla_verdicts', {
          verdict_id: `${runId}:v:${n++}`,
          run_id: runId,
          merchant_id: m,
          order_id: orderId(v.orderIndex),
          rule_id: v.ruleId,
          metric: v.metric,
          ok: v.ok ? 1 : 0,
          value: v.value,
          threshold: v.threshold,
          sim_time: Math.round(v.simTime),
          wall_time: wall,
        })
      },
      event(e) {
        w.append('events', {
          event_id: `${runId}:e:${n++}`,
          run_id: runId,
          kind: e.kind,
          sim_time: Math.round(e.simTime),
          wall_time: wall,
          merchant_id: m,
          order_id: orderId(e.orderIndex),
          sku_id: e.sku,
          rule_id: e.ruleId,
          amount_fen: e.amountFen,
          detail: '{}',
        })
      },
    }
  }
  const result = simulate(s, {
    arrivals,
    seed,
    ...(sink ? { sink } : {}),
    evidence: opts.evidence ?? 'violations',
  })
  const run: CellRun = {
    index: cell.index,
    id: cell.id,
    params: cell.params,
    runId,
    seed,
    scenario: s.name,
    calendar: s.calendar,
    merchantId: m,
    result,
  }
  if (writer) {
    // the cell summary: what a later live run of the same scenario is diffed against
    writer.append('events', {
      event_id: `${runId}:summary`,
      run_id: runId,
      kind: 'whatif_cell',
      sim_time: Math.round(result.span.to),
      wall_time: wall,
      merchant_id: m,
      amount_fen: result.payouts.totalFen,
      detail: JSON.stringify({ cell: cell.id, params: cell.params, seed, result }),
    })
    await writer.close()
  }
  return run
}
