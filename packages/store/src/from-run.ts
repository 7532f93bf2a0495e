import { queryRows, type Store } from './connection.ts'
import { StoreError } from './errors.ts'
import { getRun, listRuns, type RunManifest } from './runs.ts'

/**
 * `@d11/store/from-run`: what a stored live run (`d11 run`) needs to be replayed by the simulator —
 * the orders it accepted, the capacity its merchants showed (carrier pickups), the world's SKUs,
 * how its population and buyers were set up, and its own figures (late pickups, payouts, oversold).
 */

/** The run parameters `d11 run` stores for `d11 whatif --from-run` (runs.parameters). */
export interface FromRunParameters {
  /** one profile forced on every merchant, or the mix the population was drawn from (by the run's seed) */
  population: { profile: string } | { mix: string }
  /** share of the buyers of late orders who complained */
  complaintShare: number
  /** simulated hours after the load when the buyers complained */
  chaseAfterH: number
  /** simulated hours the run settled after the load */
  settleHours: number
  /** world id of the ingested world (the skus table) */
  worldId: string
}

/** Parameter names, in the order a missing one is reported. */
const REQUIRED = ['population', 'complaintShare', 'chaseAfterH', 'settleHours', 'worldId'] as const

export interface RunOrder {
  orderId: string
  merchantId: string
  skuId: string
  buyerId: string
  kind: string
  quantity: number
  /** amount the buyer paid (fen): what PAY-1/3/4 take their share of */
  paidFen: number
  /** simulated instants (epoch ms) */
  orderedAt: number
  paidAt: number
  /** accepted beyond stock (PAY-3 risk) */
  oversold: boolean
}

export interface RunSku {
  skuId: string
  merchantId: string
  stock: number
  listPriceFen: number
  contractShipHours: number | null
  presale: boolean
}

export interface LiveFigures {
  /** paid orders judged late at their SHIP-1 pickup deadline */
  late: number
  lateByMerchant: Record<string, number>
  payouts: Array<{ cause: string; ruleId: string; count: number; amountFen: number }>
  payoutFen: number
  /** paid orders the platform accepted beyond stock */
  oversold: number
  complaintsFiled: number
  /** when the buyers chased their late orders (the first complaint's simulated time), null if none did */
  firstComplaintAt: number | null
}

export interface StoredRun {
  run: RunManifest
  params: FromRunParameters
  /** every merchant of the run's world (the population was drawn over all of them) */
  merchantIds: string[]
  /** paid orders, by payment time (then order id) */
  orders: RunOrder[]
  skus: RunSku[]
  /** carrier pickups (simulated epoch ms) per merchant, ascending */
  pickups: Record<string, number[]>
  live: LiveFigures
}

/** The stored parameters `--from-run` needs; names the run and the first missing field. */
export function fromRunParameters(run: RunManifest): FromRunParameters {
  const p = run.parameters ?? {}
  for (const field of REQUIRED) {
    if (p[field] === undefined) {
      throw new StoreError(
        'STORE_ERR_RUN_PARAMETERS',
        `run "${run.runId}" has no stored "${field}" (runs stored before d11 whatif --from-run existed lack it): repeat it with "d11 run" and use the new run`,
      )
    }
  }
  const population = p.population as Record<string, unknown>
  if (typeof population?.profile !== 'string' && typeof population?.mix !== 'string') {
    throw new StoreError(
      'STORE_ERR_RUN_PARAMETERS',
      `run "${run.runId}": stored "population" names neither a profile nor a mix`,
    )
  }
  return {
    population: (typeof population.profile === 'string'
      ? { profile: population.profile }
      : { mix: population.mix }) as FromRunParameters['population'],
    complaintShare: Number(p.complaintShare),
    chaseAfterH: Number(p.chaseAfterH),
    settleHours: Number(p.settleHours),
    worldId: String(p.worldId),
  }
}

/**
 * Everything `d11 whatif --from-run` reads of one run. An unknown run or one of another kind than
 * `load` is a StoreError naming it (and how to see the runs the store has).
 */
export async function readStoredRun(store: Store, runId: string): Promise<StoredRun> {
  const run = await getRun(store, runId)
  if (!run) {
    const known = (await listRuns(store)).filter((r) => r.kind === 'load').map((r) => r.runId)
    throw new StoreError(
      'STORE_ERR_RUN_UNKNOWN',
      `--from-run: no run "${runId}" in database ${store.database}; live runs stored: ${known.length > 0 ? known.slice(-10).join(', ') : 'none'} (make one with "d11 run --run-id NAME")`,
    )
  }
  if (run.kind !== 'load') {
    throw new StoreError(
      'STORE_ERR_RUN_NOT_LIVE',
      `--from-run: run "${runId}" is a ${run.kind} run; give a live run of "d11 run" (kind load)`,
    )
  }
  const params = fromRunParameters(run)
  const q = <T>(sql: string, extra: Record<string, unknown> = {}) =>
    queryRows<T>(store, sql, { runId, ...extra })
  const orderRows = await q<Record<string, string | number>>(
    `SELECT p.order_id AS order_id, p.merchant_id AS merchant_id, p.sku_id AS sku_id, p.buyer_id AS buyer_id,
            p.amount_fen AS paid_fen, p.sim_time AS paid_at, o.sim_time AS ordered_at,
            JSONExtractString(o.detail, 'kind') AS kind, JSONExtractUInt(o.detail, 'quantity') AS quantity,
            JSONExtractBool(o.detail, 'oversold') AS oversold
     FROM (SELECT * FROM ${store.t('events')} FINAL WHERE run_id = {runId:String} AND kind = 'order.paid') AS p
     LEFT JOIN (SELECT * FROM ${store.t('events')} FINAL WHERE run_id = {runId:String} AND kind = 'order.placed') AS o
       ON o.order_id = p.order_id
     ORDER BY p.sim_time, p.order_id`,
  )
  const orders: RunOrder[] = orderRows.map((r) => ({
    orderId: String(r.order_id),
    merchantId: String(r.merchant_id),
    skuId: String(r.sku_id),
    buyerId: String(r.buyer_id),
    kind: String(r.kind || 'spot'),
    quantity: Number(r.quantity) || 1,
    paidFen: Number(r.paid_fen),
    paidAt: Number(r.paid_at),
    orderedAt: Number(r.ordered_at) || Number(r.paid_at),
    oversold: Number(r.oversold) === 1,
  }))
  const skuRows = await q<Record<string, string | number | null>>(
    `SELECT sku_id, merchant_id, stock, list_price_fen, contract_ship_hours, presale
     FROM ${store.t('skus')} FINAL WHERE world_id = {worldId:String} ORDER BY sku_id`,
    { worldId: params.worldId },
  )
  if (skuRows.length === 0) {
    throw new StoreError(
      'STORE_ERR_RUN_PARAMETERS',
      `run "${runId}": world "${params.worldId}" has no SKUs in database ${store.database} (ingest it with "d11 ingest world <dir>")`,
    )
  }
  const skus: RunSku[] = skuRows.map((r) => ({
    skuId: String(r.sku_id),
    merchantId: String(r.merchant_id),
    stock: Number(r.stock),
    listPriceFen: Number(r.list_price_fen),
    contractShipHours: r.contract_ship_hours === null ? null : Number(r.contract_ship_hours),
    presale: Number(r.presale) === 1,
  }))
  const merchantIds = (
    await q<{ merchant_id: string }>(
      `SELECT merchant_id FROM ${store.t('merchants')} FINAL WHERE world_id = {worldId:String} ORDER BY merchant_id`,
      { worldId: params.worldId },
    )
  ).map((r) => r.merchant_id)
  const pickups: Record<string, number[]> = {}
  for (const r of await q<{ merchant_id: string; sim_time: number }>(
    `SELECT merchant_id, sim_time FROM ${store.t('events')} FINAL
     WHERE run_id = {runId:String} AND kind = 'order.picked_up' ORDER BY sim_time`,
  )) {
    const list = pickups[r.merchant_id] ?? []
    list.push(Number(r.sim_time))
    pickups[r.merchant_id] = list
  }
  return { run, params, merchantIds, orders, skus, pickups, live: await liveFigures(store, runId) }
}

/** The run's own figures, as its report counts them. */
export async function liveFigures(store: Store, runId: string): Promise<LiveFigures> {
  const late = await queryRows<{ merchant_id: string; n: number }>(
    store,
    `SELECT merchant_id, uniqExact(order_id) AS n FROM ${store.t('sla_verdicts')} FINAL
     WHERE run_id = {runId:String} AND rule_id = 'SHIP-1' AND metric = 'pickup_48h' AND ok = 0
     GROUP BY merchant_id ORDER BY merchant_id`,
    { runId },
  )
  const payouts = await queryRows<{ cause: string; rule_id: string; n: number; fen: number }>(
    store,
    `SELECT cause, rule_id, count() AS n, sum(amount_fen) AS fen FROM ${store.t('payouts')} FINAL
     WHERE run_id = {runId:String} GROUP BY cause, rule_id ORDER BY cause, rule_id`,
    { runId },
  )
  // oversold among the paid orders: the ones fulfilment (and the simulator) deals with
  const counts = await queryRows<{ oversold: number; complaints: number; first_complaint: number | null }>(
    store,
    `SELECT countIf(kind = 'order.placed' AND JSONExtractBool(detail, 'oversold') AND order_id IN (
              SELECT order_id FROM ${store.t('events')} WHERE run_id = {runId:String} AND kind = 'order.paid')) AS oversold,
            countIf(kind = 'complaint.filed') AS complaints,
            if(complaints = 0, NULL, minIf(sim_time, kind = 'complaint.filed')) AS first_complaint
     FROM ${store.t('events')} FINAL WHERE run_id = {runId:String}`,
    { runId },
  )
  const lateByMerchant = Object.fromEntries(late.map((r) => [r.merchant_id, Number(r.n)]))
  const list = payouts.map((r) => ({
    cause: r.cause,
    ruleId: r.rule_id,
    count: Number(r.n),
    amountFen: Number(r.fen),
  }))
  return {
    late: Object.values(lateByMerchant).reduce((a, b) => a + b, 0),
    lateByMerchant,
    payouts: list,
    payoutFen: list.reduce((a, p) => a + p.amountFen, 0),
    oversold: Number(counts[0]?.oversold ?? 0),
    complaintsFiled: Number(counts[0]?.complaints ?? 0),
    firstComplaintAt: counts[0]?.first_complaint == null ? null : Number(counts[0].first_complaint),
  }
}
