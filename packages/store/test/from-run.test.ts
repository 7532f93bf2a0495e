import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Store } from '../src/connection.ts'
import { readStoredRun } from '../src/from-run.ts'
import { upsertRun } from '../src/runs.ts'
import { openTestStore } from './helpers.ts'

/** What `d11 whatif --from-run` reads of a stored run, on a real embedded store. */

let store: Store
let cleanup: () => Promise<void>
const PARAMS = {
  population: { mix: 'prepared=0.5,understaffed=0.5' },
  complaintShare: 0.3,
  chaseAfterH: 50,
  settleHours: 120,
  worldId: 'w-1',
}

beforeAll(async () => {
  ;({ store, cleanup } = await openTestStore('from-run'))
  await upsertRun(store, {
    runId: 'r1',
    kind: 'load',
    status: 'passed',
    seed: 42,
    calendar: '2022',
    parameters: PARAMS,
  })
  await upsertRun(store, {
    runId: 'old',
    kind: 'load',
    status: 'passed',
    parameters: { profile: 'prepared' },
  })
  await upsertRun(store, { runId: 'cell', kind: 'whatif', status: 'passed', parameters: PARAMS })
  const ev = (id: string, kind: string, t: number, order: string, extra: Record<string, unknown> = {}) => ({
    event_id: id,
    run_id: 'r1',
    kind,
    sim_time: t,
    wall_time: 0,
    merchant_id: 'm-1',
    order_id: order,
    sku_id: 's-1',
    buyer_id: 'b-1',
    rule_id: '',
    amount_fen: 0,
    detail: '{}',
    ...extra,
  })
  await store.client.insert({
    table: store.t('events'),
    format: 'JSONEachRow',
    values: [
      ev('e1', 'order.placed', 1000, 'o-2', { detail: '{"kind":"spot","quantity":3,"oversold":true}' }),
      ev('e2', 'order.paid', 2000, 'o-2', { amount_fen: 9000 }),
      ev('e3', 'order.placed', 500, 'o-1', { detail: '{"kind":"spot","quantity":1,"oversold":false}' }),
      ev('e4', 'order.paid', 1500, 'o-1', { amount_fen: 3000 }),
      ev('e5', 'order.placed', 600, 'o-3', { detail: '{"kind":"spot","quantity":1,"oversold":true}' }),
      ev('e6', 'order.picked_up', 7000, 'o-1'),
      ev('e7', 'complaint.filed', 8000, 'o-2'),
    ],
  })
  await store.client.insert({
    table: store.t('sla_verdicts'),
    format: 'JSONEachRow',
    values: [
      {
        verdict_id: 'v1',
        run_id: 'r1',
        merchant_id: 'm-1',
        order_id: 'o-2',
        rule_id: 'SHIP-1',
        metric: 'pickup_48h',
        ok: 0,
        value: 50,
        threshold: 48,
        sim_time: 5,
        wall_time: 0,
      },
      {
        verdict_id: 'v2',
        run_id: 'r1',
        merchant_id: 'm-1',
        order_id: 'o-1',
        rule_id: 'SHIP-1',
        metric: 'pickup_48h',
        ok: 1,
        value: 5,
        threshold: 48,
        sim_time: 5,
        wall_time: 0,
      },
    ],
  })
  await store.client.insert({
    table: store.t('payouts'),
    format: 'JSONEachRow',
    values: [
      {
        payout_id: 'p1',
        run_id: 'r1',
        merchant_id: 'm-1',
        order_id: 'o-2',
        sku_id: 's-1',
        cause: 'late_shipment',
        rule_id: 'PAY-1',
        amount_fen: 2700,
        wave: 2,
        sim_time: 9,
        wall_time: 0,
      },
    ],
  })
  await store.client.insert({
    table: store.t('skus'),
    format: 'JSONEachRow',
    values: [
      {
        world_id: 'w-1',
        sku_id: 's-1',
        merchant_id: 'm-1',
        title: '',
        category: 'x',
        list_price_fen: 3000,
        stock: 5,
        presale: 0,
        deposit_fen: 0,
        contract_ship_hours: 24,
      },
    ],
  })
  await store.client.insert({
    table: store.t('merchants'),
    format: 'JSONEachRow',
    values: ['m-1', 'm-2'].map((id) => ({ world_id: 'w-1', merchant_id: id, experience: '{}' })),
  })
}, 60_000)
afterAll(async () => cleanup?.())

describe('readStoredRun', () => {
  it('paid orders with their placement, the world, pickups and the live figures', async () => {
    const r = await readStoredRun(store, 'r1')
    expect(r.params).toEqual(PARAMS)
    expect(r.merchantIds).toEqual(['m-1', 'm-2'])
    // o-3 was placed but never paid: not an order the run accepted into fulfilment
    expect(
      r.orders.map((o) => [o.orderId, o.orderedAt, o.paidAt, o.paidFen, o.quantity, o.oversold]),
    ).toEqual([
      ['o-1', 500, 1500, 3000, 1, false],
      ['o-2', 1000, 2000, 9000, 3, true],
    ])
    expect(r.skus).toEqual([
      {
        skuId: 's-1',
        merchantId: 'm-1',
        stock: 5,
        listPriceFen: 3000,
        contractShipHours: 24,
        presale: false,
      },
    ])
    expect(r.pickups).toEqual({ 'm-1': [7000] })
    expect(r.live).toMatchObject({
      late: 1,
      lateByMerchant: { 'm-1': 1 },
      payouts: [{ cause: 'late_shipment', ruleId: 'PAY-1', count: 1, amountFen: 2700 }],
      payoutFen: 2700,
      // o-3 was sold beyond stock but never paid
      oversold: 1,
      complaintsFiled: 1,
    })
  })

  it('names an unknown run and the live runs there are', async () => {
    await expect(readStoredRun(store, 'nope')).rejects.toMatchObject({
      code: 'STORE_ERR_RUN_UNKNOWN',
      message: expect.stringMatching(/no run "nope".*live runs stored: .*r1/),
    })
  })

  it('names the run and the field a run stored before lacks; refuses a whatif cell', async () => {
    await expect(readStoredRun(store, 'old')).rejects.toMatchObject({
      code: 'STORE_ERR_RUN_PARAMETERS',
      message: expect.stringMatching(/run "old" has no stored "population"/),
    })
    await expect(readStoredRun(store, 'cell')).rejects.toMatchObject({ code: 'STORE_ERR_RUN_NOT_LIVE' })
  })
})
