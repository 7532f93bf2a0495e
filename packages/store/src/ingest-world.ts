import { createReadStream, existsSync, readFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { Buyer, Merchant, Order, Sku } from '@d11/generator/entities'
import { readWorld } from '@d11/generator/read-world'
import type { Store } from './connection.ts'
import { StoreError } from './errors.ts'

/**
 * `ingestWorld`: loads a generated world's dimensions (merchants, SKUs, buyers, orders) from its
 * NDJSON or CSV files into the store, streaming in batches. Tables are ReplacingMergeTree keyed by
 * (world_id, id): loading the same world twice changes nothing.
 */

export const WORLD_TABLES = ['merchants', 'skus', 'buyers', 'orders'] as const
export type WorldTable = (typeof WORLD_TABLES)[number]

export interface IngestWorldOptions {
  /**
   * World id stored with every row.
   * @default `seed<seed>-<scale>-<calendar>` from manifest.json, else the directory name
   */
  worldId?: string
  /** @default 20000 */
  batchRows?: number
  onProgress?: (table: WorldTable, rows: number) => void
}

export interface IngestWorldResult {
  worldId: string
  rows: Record<WorldTable, number>
  badLines: Array<{ file: string; line: number; reason: string }>
}

const b = (v: boolean) => (v ? 1 : 0)

const MAPPERS: { [K in WorldTable]: (w: string, r: never) => Record<string, unknown> } = {
  merchants: (w, m: Merchant) => ({
    world_id: w,
    merchant_id: m.id,
    name: m.name,
    shop_type: m.shopType,
    category: m.category,
    region: m.region,
    violation_points: m.violationPoints,
    activity_level: m.activityLevel,
    composite_ranking: m.compositeRanking,
    basic_service_score: m.basicServiceScore,
    experience: JSON.stringify(m.experience ?? {}),
    cross_store_coupon: b(m.crossStoreCoupon),
    opened_at: m.openedAt ?? '',
  }),
  skus: (w, s: Sku) => ({
    world_id: w,
    sku_id: s.id,
    merchant_id: s.merchantId,
    title: s.title,
    category: s.category,
    list_price_fen: s.listPriceFen,
    stock: s.stock,
    presale: b(s.presale),
    deposit_fen: s.depositFen ?? 0,
    contract_ship_hours: s.contractShipHours ?? null,
  }),
  buyers: (w, x: Buyer) => ({
    world_id: w,
    buyer_id: x.id,
    name: x.name,
    region: x.region,
    city: x.city,
    membership: x.membership,
    registered_at: x.registeredAt ?? '',
  }),
  orders: (w, o: Order) => ({
    world_id: w,
    order_id: o.id,
    buyer_id: o.buyerId,
    kind: o.kind,
    wave: o.wave,
    region: o.region,
    shop_count: o.shopCount,
    total_fen: o.totalFen,
    deposit_fen: o.depositFen ?? 0,
    final_payment_fen: o.finalPaymentFen ?? 0,
    created_at: o.createdAt,
    sim_time: o.simTime,
    paid_at: o.paidAt ?? null,
    item_sku_ids: o.items.map((i) => i.skuId),
    item_merchant_ids: o.items.map((i) => i.merchantId),
    item_quantities: o.items.map((i) => i.quantity),
    item_unit_price_fen: o.items.map((i) => i.unitPriceFen),
  }),
}

/** `seed7-tiny-2022` from the generator's manifest.json, when it has those fields. */
export function manifestWorldId(dir: string): string | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      seed?: unknown
      scale?: unknown
      calendar?: unknown
    }
    if (m.seed === undefined || m.scale === undefined || m.calendar === undefined) return undefined
    return `seed${String(m.seed)}-${String(m.scale)}-${String(m.calendar)}`
  } catch {
    return undefined
  }
}

export async function ingestWorld(
  store: Store,
  dir: string,
  opts: IngestWorldOptions = {},
): Promise<IngestWorldResult> {
  const root = resolve(dir)
  if (!existsSync(root))
    throw new StoreError('STORE_ERR_WORLD_DIR', `ingestWorld: world directory "${dir}" does not exist`)
  const worldId = opts.worldId ?? manifestWorldId(root) ?? basename(root)
  const batchRows = opts.batchRows ?? 20_000
  const result: IngestWorldResult = {
    worldId,
    rows: { merchants: 0, skus: 0, buyers: 0, orders: 0 },
    badLines: [],
  }
  let found = 0
  for (const table of WORLD_TABLES) {
    const source = worldRows(root, table)
    if (!source) continue
    found += 1
    const map = MAPPERS[table] as (w: string, r: unknown) => Record<string, unknown>
    let batch: Record<string, unknown>[] = []
    const flush = async () => {
      if (batch.length === 0) return
      const values = batch
      batch = []
      await store.client.insert({ table: store.t(table), values, format: 'JSONEachRow' })
      result.rows[table] += values.length
      opts.onProgress?.(table, result.rows[table])
    }
    for await (const { line, row, parseError } of source.rows) {
      if (parseError) {
        result.badLines.push({ file: source.file, line, reason: parseError })
        continue
      }
      try {
        batch.push(map(worldId, row))
      } catch (err) {
        result.badLines.push({ file: source.file, line, reason: String(err) })
        continue
      }
      if (batch.length >= batchRows) await flush()
    }
    await flush()
  }
  if (found === 0) {
    throw new StoreError(
      'STORE_ERR_WORLD_DIR',
      `ingestWorld: "${dir}" holds none of ${WORLD_TABLES.map((t) => `${t}.ndjson`).join(', ')} (or .csv)`,
    )
  }
  return result
}

type WorldLine = { line: number; row?: unknown; parseError?: string }

/**
 * The rows of one world file with their line numbers: `<table>.ndjson` read here (a line that is
 * not JSON is reported, not fatal), or `<table>.csv` through the generator's own reader, which
 * turns its JSON cells back into values (it needs the world's manifest.json for the format).
 */
function worldRows(
  root: string,
  table: WorldTable,
): { file: string; rows: AsyncIterable<WorldLine> } | undefined {
  const ndjson = join(root, `${table}.ndjson`)
  if (existsSync(ndjson)) return { file: `${table}.ndjson`, rows: ndjsonRows(ndjson) }
  const csv = join(root, `${table}.csv`)
  if (!existsSync(csv)) return undefined
  if (!existsSync(join(root, 'manifest.json'))) {
    throw new StoreError(
      'STORE_ERR_WORLD_FORMAT',
      `ingestWorld: ${table}.csv found without the world's manifest.json; a CSV world loads with its manifest (the generator writes one)`,
    )
  }
  return { file: `${table}.csv`, rows: csvRows(root, table) }
}

async function* ndjsonRows(file: string): AsyncIterable<WorldLine> {
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })
  let line = 0
  for await (const text of rl) {
    line += 1
    if (text.trim() === '') continue
    try {
      yield { line, row: JSON.parse(text) }
    } catch {
      yield { line, parseError: 'not JSON' }
    }
  }
}

async function* csvRows(root: string, table: WorldTable): AsyncIterable<WorldLine> {
  let line = 1 // the header
  for await (const row of readWorld(root, table)) yield { line: ++line, row }
}
