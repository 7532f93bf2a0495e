import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Buyer, Merchant, Order, Sku } from '@d11/generator/entities'
import { generateWorld } from '@d11/generator/generate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows, type Store } from '../src/connection.ts'
import { ingestWorld } from '../src/ingest-world.ts'
import { listMigrations, migrate } from '../src/migrate.ts'
import { openTestStore } from './helpers.ts'

let store: Store
let dir: string
let cleanup: () => Promise<void>

beforeAll(async () => {
  ;({ store, dir, cleanup } = await openTestStore('world'))
}, 60_000)
afterAll(async () => cleanup?.(), 60_000)

const merchant: Merchant = {
  id: 'm-000001',
  name: '小米官方旗舰店',
  shopType: 'flagship',
  category: 'phones',
  region: '广东',
  violationPoints: 0,
  activityLevel: 80,
  compositeRanking: 0.1,
  basicServiceScore: 4.8,
  experience: {
    firstReturnRate: 0.01,
    negativeReviewRate: 0.02,
    pickup48hRate: 0.97,
    deliveryHours: 40,
    manualResponseSec: 20,
    refundProcessingHours: 10,
    disputeLiabilityRate: 0.001,
    replyRate: 0.95,
  },
  webhookUrl: null,
  crossStoreCoupon: true,
  expectedRejection: null,
  failsThreshold: null,
  openedAt: '2015-03-01T10:00:00.000+08:00',
}
const sku: Sku = {
  id: 's-00000001',
  merchantId: 'm-000001',
  title: '手机 包邮',
  category: 'phones',
  freeShippingClaim: true,
  shippingTemplate: { id: 't-1', freeRegions: ['广东'], feeFen: 0 },
  restrictedRegions: [],
  dailyPrices: { start: '2022-10-01', pricesFen: [199_900] },
  campaignPrices: [],
  listPriceFen: 199_900,
  stock: 500,
  presale: false,
  depositFen: 0,
  contractShipHours: null,
}
const buyer: Buyer = {
  id: 'b-00000001',
  name: '张三',
  region: '浙江',
  city: '杭州',
  membership: '88vip',
  registeredAt: '2019-01-01T00:00:00.000+08:00',
}
const order: Order = {
  id: 'o-000000001',
  buyerId: 'b-00000001',
  kind: 'spot',
  wave: 2,
  region: '浙江',
  items: [{ skuId: 's-00000001', merchantId: 'm-000001', quantity: 2, unitPriceFen: 199_900 }],
  shopCount: 1,
  totalFen: 399_800,
  createdAt: '2022-11-11T00:00:03.120+08:00',
  simTime: Date.UTC(2022, 10, 10, 16, 0, 3, 120),
  depositFen: 0,
  finalPaymentFen: 0,
  finalPaidAt: null,
  paidAt: '2022-11-11T00:00:05.000+08:00',
}

describe('ingestWorld + migrations', () => {
  it('loads the dimensions, idempotently, and reports bad lines', async () => {
    const world = join(dir, 'world-42')
    mkdirSync(world)
    const nd = (rows: unknown[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`
    writeFileSync(join(world, 'merchants.ndjson'), nd([merchant, { ...merchant, id: 'm-000002' }]))
    writeFileSync(join(world, 'skus.ndjson'), nd([sku]))
    writeFileSync(join(world, 'buyers.ndjson'), `${nd([buyer])}{oops\n`)
    writeFileSync(join(world, 'orders.ndjson'), nd([order]))
    writeFileSync(join(world, 'manifest.json'), JSON.stringify({ seed: 42, scale: 'tiny', calendar: '2022' }))
    const res = await ingestWorld(store, world)
    expect(res).toEqual({
      worldId: 'seed42-tiny-2022',
      rows: { merchants: 2, skus: 1, buyers: 1, orders: 1 },
      badLines: [{ file: 'buyers.ndjson', line: 2, reason: 'not JSON' }],
    })
    await ingestWorld(store, world)
    const [c] = await queryRows<{ m: number; o: number }>(
      store,
      `SELECT (SELECT count() FROM ${store.t('merchants')} FINAL) AS m, (SELECT count() FROM ${store.t('orders')} FINAL) AS o`,
    )
    expect(c).toEqual({ m: 2, o: 1 })
    const [o] = await queryRows<Record<string, unknown>>(store, `SELECT * FROM ${store.t('orders')} FINAL`)
    expect(o).toMatchObject({
      order_id: 'o-000000001',
      total_fen: 399_800,
      item_quantities: [2],
      paid_at: '2022-11-11T00:00:05.000+08:00',
    })
  })

  it('a CSV world loads the same rows as the NDJSON world of the same seed', async () => {
    const base = { seed: 5, scale: 'tiny', calendar: '2022' } as const
    await generateWorld({ ...base, out: join(dir, 'w-nd') })
    await generateWorld({ ...base, out: join(dir, 'w-csv'), format: 'csv' })
    const nd = await ingestWorld(store, join(dir, 'w-nd'), { worldId: 'w-nd' })
    const csv = await ingestWorld(store, join(dir, 'w-csv'), { worldId: 'w-csv' })
    expect(csv.badLines).toEqual([])
    expect(csv.rows).toEqual(nd.rows)
    expect(csv.rows.orders).toBeGreaterThan(5_000)
    for (const table of ['merchants', 'skus', 'buyers', 'orders']) {
      // Every column but world_id, row for row: a digest of each world's table.
      const digest = async (w: string) =>
        queryRows<{ n: number; h: string }>(
          store,
          `SELECT count() AS n, toString(groupBitXor(cityHash64(* EXCEPT world_id))) AS h FROM ${store.t(table)} FINAL WHERE world_id = {w:String}`,
          { w },
        )
      expect(await digest('w-csv'), table).toEqual(await digest('w-nd'))
    }
  }, 60_000)

  it('a CSV world without its manifest is refused, naming the file', async () => {
    const world = join(dir, 'csv-no-manifest')
    mkdirSync(world)
    writeFileSync(join(world, 'merchants.csv'), 'id,name\nm-000001,x\n')
    await expect(ingestWorld(store, world)).rejects.toThrow(
      /merchants\.csv found without the world's manifest\.json/,
    )
  })

  it('names a missing world directory', async () => {
    await expect(ingestWorld(store, join(dir, 'nope'))).rejects.toThrow(/"[^"]*nope" does not exist/)
  })

  it('migrations are recorded once and re-running applies nothing', async () => {
    expect(await migrate(store)).toEqual([])
    const rows = await queryRows<{ version: number }>(
      store,
      `SELECT version FROM ${store.t('schema_migrations')} FINAL ORDER BY version`,
    )
    expect(rows.map((r) => r.version)).toEqual(listMigrations().map((m) => m.version))
    expect(listMigrations().length).toBeGreaterThanOrEqual(4)
  })
})
