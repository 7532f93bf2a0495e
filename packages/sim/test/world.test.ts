import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCell } from '../src/cell.ts'
import { cellInputs } from '../src/cell-inputs.ts'
import { SimError } from '../src/errors.ts'
import { validateScenario } from '../src/scenario.ts'
import { worldArrivals } from '../src/world.ts'

// A hand-written world directory in the generator's layout (manifest.json + orders.ndjson).
function world(orders: object[], skus: object[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'd11-sim-world-'))
  const file = (kind: string) => ({ file: `${kind}.ndjson`, sha256: '', bytes: 0 })
  const kinds = ['merchants', 'skus', 'registrations', 'buyers', 'orders', 'consultations', 'after_sales']
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({ format: 'ndjson', files: Object.fromEntries(kinds.map((k) => [k, file(k)])) }),
  )
  writeFileSync(join(dir, 'orders.ndjson'), orders.map((o) => JSON.stringify(o)).join('\n'))
  writeFileSync(join(dir, 'skus.ndjson'), skus.map((o) => JSON.stringify(o)).join('\n'))
  return dir
}

const order = (id: number, paidAt: string | null, items: object[], extra: object = {}) => ({
  id: `o-${id}`,
  buyerId: 'b-1',
  kind: 'spot',
  wave: 2,
  region: 'zhejiang',
  items,
  shopCount: 1,
  totalFen: 0,
  createdAt: paidAt,
  simTime: 0,
  depositFen: 0,
  finalPaymentFen: 0,
  finalPaidAt: null,
  paidAt,
  ...extra,
})
const line = (skuId: string, merchantId = 'm-000001', quantity = 1) => ({
  skuId,
  merchantId,
  quantity,
  unitPriceFen: 599_900,
})

describe('arrivals from a generated world', () => {
  const dir = world([
    order(3, '2020-11-11T00:00:05+08:00', [line('s-1', 'm-000001', 2), line('s-9')]),
    order(1, '2020-11-11T00:00:01+08:00', [line('s-1'), line('s-1', 'm-000002')]),
    order(2, null, [line('s-1')]), // unpaid
    order(4, '2020-11-12T00:00:00+08:00', [line('s-1')]), // outside the window
    order(5, '2020-11-03T00:00:00+08:00', [line('s-1')], {
      kind: 'presale',
      finalPaidAt: '2020-11-11T00:00:03+08:00',
    }),
  ])
  const scenario = validateScenario({
    name: 'world',
    seed: 1,
    calendar: '2020',
    window: { from: '2020-11-11T00:00:00+08:00', to: '2020-11-12T00:00:00+08:00' },
    arrivals: { world: dir },
    skus: [{ id: 's-1', priceYuan: 5999, stock: 2 }],
    oversell: { policy: 'synced', syncLagSeconds: 600 },
    warehouse: { picksPerHour: 1000 },
    buyers: { complainRate: 1, upheldRate: 1 },
  })

  it('takes the merchant’s paid lines for listed SKUs inside the window, one arrival per unit, in time order', async () => {
    const a = await worldArrivals(scenario)
    expect(Array.from(a.times)).toEqual([
      Date.parse('2020-11-11T00:00:01+08:00'),
      Date.parse('2020-11-11T00:00:03+08:00'),
      Date.parse('2020-11-11T00:00:05+08:00'),
      Date.parse('2020-11-11T00:00:05+08:00'),
    ])
    expect(Array.from(a.sku)).toEqual([0, 0, 0, 0])
  })

  it('a cell over the world oversells the two units past stock and pays them (PAY-1 cap, PAY-2 complaints)', async () => {
    const run = await runCell({ index: 0, id: 'base', params: {}, scenario })
    expect(run.result.orders.arrived).toBe(4)
    expect(run.result.orders.oversold).toBe(2)
    expect(run.result.late.oversell).toBe(2)
    expect(run.result.payouts.oversell.amountFen).toBe(2 * 50_000) // never restocked: PAY-3
  })

  it("a thread reads a world once for a grid's cells, and again once it is regenerated", async () => {
    const dir3 = world([order(1, '2020-11-11T00:00:01+08:00', [line('s-1')])])
    const s = validateScenario({ ...scenario, arrivals: { world: dir3 } })
    const first = await cellInputs(s, 1)
    const other = await cellInputs({ ...s, warehouse: { ...s.warehouse, picksPerHour: 5 } }, 1)
    expect(other.arrivals).toBe(first.arrivals) // the same arrays, not a second read
    expect(Array.from(first.arrivals!.times)).toEqual([Date.parse('2020-11-11T00:00:01+08:00')])
    // another window is another slice
    const later = await cellInputs({ ...s, window: { ...s.window, from: '2020-11-11T00:00:02+08:00' } }, 1)
    expect(later.arrivals!.times).toHaveLength(0)
    // regenerated: new orders, manifest rewritten (its time moves)
    writeFileSync(
      join(dir3, 'orders.ndjson'),
      [order(1, '2020-11-11T00:00:01+08:00', [line('s-1', 'm-000001', 3)])]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    )
    utimesSync(join(dir3, 'manifest.json'), new Date(), new Date(Date.now() + 60_000))
    expect((await cellInputs(s, 1)).arrivals!.times).toHaveLength(3)
  })

  it('a missing world directory is reported naming arrivals.world', async () => {
    await expect(
      worldArrivals({ ...scenario, arrivals: { ...scenario.arrivals, world: '/nonexistent/world' } }),
    ).rejects.toThrow(SimError)
    await expect(
      worldArrivals({ ...scenario, arrivals: { ...scenario.arrivals, world: '/nonexistent/world' } }),
    ).rejects.toThrow(/arrivals\.world/)
  })

  it('with no SKUs listed, takes the merchant’s SKUs (price, stock, presale, contract ship hours) from the world', async () => {
    const sku = (id: string, merchantId: string, stock: number, contractShipHours: number | null) => ({
      id,
      merchantId,
      listPriceFen: 599_900,
      stock,
      presale: false,
      contractShipHours,
    })
    const dir2 = world(
      [
        order(1, '2020-11-11T00:00:01+08:00', [line('s-1'), line('s-2')]),
        order(2, '2020-11-11T00:00:02+08:00', [line('s-1')]),
      ],
      [sku('s-1', 'm-000001', 1, null), sku('s-2', 'm-000001', 5, 72), sku('s-3', 'm-000002', 9, null)],
    )
    const s = validateScenario({ ...scenario, arrivals: { world: dir2 }, skus: [] })
    const run = await runCell({ index: 0, id: 'base', params: {}, scenario: s })
    expect(run.result.orders.arrived).toBe(3)
    expect(run.result.orders.oversold).toBe(1) // s-1 has one unit, two buyers inside the sync lag
    expect(() => validateScenario({ ...scenario, arrivals: { orders: 1 }, skus: [] })).toThrow(
      /skus: at least one SKU/,
    )
  })
})
