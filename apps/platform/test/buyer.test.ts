import { afterAll, describe, expect, it } from 'vitest'
import {
  baseWorld,
  closeApps,
  get,
  merchant,
  paidOrder,
  post,
  rows,
  setClock,
  sku,
  worldApp,
  worldApp2024,
} from './helpers.ts'

type App = Awaited<ReturnType<typeof worldApp>>
let app: App
afterAll(closeApps)

const SPOT = '2020-11-01T10:00:00+08:00'

describe('buyer API', () => {
  it('PRICE-3/PRICE-4: quotes the cross-store coupon apportioned over shops by price', async () => {
    app = await worldApp({
      at: SPOT,
      lines: [
        { kind: 'merchants', row: merchant('m-a') },
        { kind: 'merchants', row: merchant('m-b') },
        { kind: 'skus', row: sku('s-a', 'm-a', { listPriceFen: 20_000 }) },
        { kind: 'skus', row: sku('s-b', 'm-b', { listPriceFen: 40_000 }) },
        {
          kind: 'buyers',
          row: {
            id: 'b-1',
            name: 'b',
            region: 'Zhejiang',
            city: 'x',
            membership: 'none',
            registeredAt: '2019-01-01T00:00:00+08:00',
          },
        },
      ],
    })
    // 200 + 400 = 600 yuan across two shops: two full 300s → 80 yuan off, split 1:2.
    const q = await post(app, '/buyer/cart/quote', {
      buyerId: 'b-1',
      kind: 'spot',
      items: [
        { skuId: 's-a', quantity: 1 },
        { skuId: 's-b', quantity: 1 },
      ],
    })
    expect(q.status).toBe(200)
    expect(q.body.couponFen).toBe(8_000)
    expect(q.body.toHandFen).toBe(52_000)
    expect(q.body.lines.map((l: { couponFen: number }) => l.couponFen)).toEqual([2_667, 5_333])
    expect(q.body.ruleIds).toEqual(['PRICE-3', 'PRICE-4'])
    // Below the threshold nothing is taken off.
    const small = await post(app, '/buyer/cart/quote', {
      buyerId: 'b-1',
      kind: 'spot',
      items: [{ skuId: 's-a', quantity: 1 }],
    })
    expect(small.body.couponFen).toBe(0)
  })

  it('places an order split per SKU, charging the to-hand price', async () => {
    app = await worldApp({ at: SPOT })
    const r = await post(app, '/buyer/orders', {
      buyerId: 'b-1',
      kind: 'spot',
      items: [{ skuId: 's-phone', quantity: 2 }],
    })
    expect(r.status).toBe(201)
    expect(r.body.orders).toHaveLength(1)
    const o = r.body.orders[0]
    expect(o).toMatchObject({ merchantId: 'm-1', quantity: 2, kind: 'spot', wave: 1, status: 'created' })
    // 2 × 5999 yuan = 11998 → 39 full 300s → 1560 yuan coupon.
    expect(o.couponFen).toBe(156_000)
    expect(o.payableFen).toBe(1_199_800 - 156_000)
    expect((await get(app, `/buyer/orders/${o.id}`)).body.id).toBe(o.id)
    expect((await rows(app, 'kind=order.placed')).length).toBe(1)
  })

  it('SHIP-5: rejects orders shipped to a restricted region', async () => {
    app = await worldApp({ at: SPOT })
    const r = await post(app, '/buyer/orders', {
      buyerId: 'b-2',
      kind: 'spot',
      items: [{ skuId: 's-phone', quantity: 1 }],
    })
    expect(r.status).toBe(422)
    expect(r.body).toMatchObject({ code: 'PLAT_ERR_REGION', ruleId: 'SHIP-5', field: 'items.0.skuId' })
    expect((await rows(app, 'kind=order.rejected&ruleId=SHIP-5')).length).toBe(1)
  })

  it('strict stock: the unit past stock is refused (PAY-3 code), nothing reserved on refusal', async () => {
    const lines = [...baseWorld(), { kind: 'skus', row: sku('s-few', 'm-1', { stock: 2 }) }]
    app = await worldApp({ at: SPOT, lines })
    const ok = await post(app, '/buyer/orders', {
      buyerId: 'b-1',
      kind: 'spot',
      items: [{ skuId: 's-few', quantity: 2 }],
    })
    expect(ok.status).toBe(201)
    const no = await post(app, '/buyer/orders', {
      buyerId: 'b-1',
      kind: 'spot',
      items: [{ skuId: 's-few', quantity: 1 }],
    })
    expect(no.status).toBe(409)
    expect(no.body).toMatchObject({
      code: 'PLAT_ERR_OUT_OF_STOCK',
      ruleId: 'PAY-3',
      field: 'items.0.quantity',
    })
  })

  it('buffered stock sells a 5 % buffer, lagging sync oversells and marks the orders (PAY-3)', async () => {
    const lines = [...baseWorld(), { kind: 'skus', row: sku('s-few', 'm-1', { stock: 20 }) }]
    app = await worldApp({ at: SPOT, lines, config: { oversellPolicy: 'buffered' } })
    expect(
      (
        await post(app, '/buyer/orders', {
          buyerId: 'b-1',
          kind: 'spot',
          items: [{ skuId: 's-few', quantity: 21 }],
        })
      ).status,
    ).toBe(201)
    expect(
      (
        await post(app, '/buyer/orders', {
          buyerId: 'b-1',
          kind: 'spot',
          items: [{ skuId: 's-few', quantity: 1 }],
        })
      ).status,
    ).toBe(409)
    app = await worldApp({ at: SPOT, lines, config: { oversellPolicy: 'lagging' } })
    const a = await post(app, '/buyer/orders', {
      buyerId: 'b-1',
      kind: 'spot',
      items: [{ skuId: 's-few', quantity: 20 }],
    })
    const order5 = { buyerId: 'b-1', kind: 'spot', items: [{ skuId: 's-few', quantity: 5 }] }
    // until the merchant publishes again, the platform's view (20 − 20) has nothing left
    const refused = await post(app, '/buyer/orders', order5)
    expect(refused.status).toBe(409)
    expect(refused.body).toMatchObject({ code: 'PLAT_ERR_OUT_OF_STOCK', ruleId: 'PAY-3' })
    // the merchant's lagging sync re-publishes a view that has not seen the 20 units sold yet
    const sync = await app.inject({
      method: 'PUT',
      url: '/merchant/m-1/skus/s-few/stock',
      payload: { available: 20 },
    })
    expect(sync.statusCode).toBe(200)
    expect(sync.json()).toMatchObject({ effective: true, sellable: 20, sold: 20, policy: 'lagging' })
    const b = await post(app, '/buyer/orders', order5)
    expect(a.body.orders[0].oversold).toBe(false)
    expect(b.status).toBe(201)
    expect(b.body.orders[0].oversold).toBe(true)
  })

  it('each merchant sells under its own stock policy: lagging, buffered and strict in one run (PAY-3)', async () => {
    const lines = [
      ...baseWorld(),
      { kind: 'skus', row: sku('s-lag', 'm-1', { stock: 10 }) },
      { kind: 'skus', row: sku('s-buf', 'm-2', { stock: 10 }) },
      { kind: 'skus', row: sku('s-strict', 'm-3', { stock: 10 }) },
    ]
    app = await worldApp({
      at: SPOT,
      lines,
      config: {
        // the default (m-3, not listed) is strict; m-1 lags, m-2 sells 20 % over stock
        merchantStockPolicies: {
          'm-1': { reservation: 'lagging', oversellShare: 0 },
          'm-2': { reservation: 'strict', oversellShare: 0.2 },
        },
      },
    })
    const buy = (skuId: string, quantity: number) =>
      post(app, '/buyer/orders', { buyerId: 'b-1', kind: 'spot', items: [{ skuId, quantity }] })
    const publish = (merchantId: string, skuId: string) =>
      app.inject({
        method: 'PUT',
        url: `/merchant/${merchantId}/skus/${skuId}/stock`,
        payload: { available: 10 },
      })
    for (const skuId of ['s-lag', 's-buf', 's-strict']) expect((await buy(skuId, 10)).status).toBe(201)
    // a stale publication resets only the lagging merchant's count
    expect((await publish('m-1', 's-lag')).json()).toMatchObject({ policy: 'lagging', effective: true })
    expect((await publish('m-2', 's-buf')).json()).toMatchObject({ policy: 'strict', effective: false })
    expect((await publish('m-3', 's-strict')).json()).toMatchObject({ policy: 'strict', effective: false })
    const lagged = await buy('s-lag', 4)
    expect(lagged.status).toBe(201)
    expect(lagged.body.orders[0].oversold).toBe(true)
    // buffered: 2 more (10 × 1.2), oversold; the third is refused
    const buffered = await buy('s-buf', 2)
    expect(buffered.body.orders[0].oversold).toBe(true)
    expect(await buy('s-buf', 1)).toMatchObject({ status: 409, body: { ruleId: 'PAY-3' } })
    expect(await buy('s-strict', 1)).toMatchObject({
      status: 409,
      body: { code: 'PLAT_ERR_OUT_OF_STOCK', ruleId: 'PAY-3' },
    })
  })

  it('Idempotency-Key: a retry replays the first answer, another body under the key is refused', async () => {
    app = await worldApp({ at: SPOT })
    const body = { buyerId: 'b-1', kind: 'spot', items: [{ skuId: 's-phone', quantity: 1 }] }
    const first = await post(app, '/buyer/orders', body, { 'idempotency-key': 'k1' })
    const again = await post(app, '/buyer/orders', body, { 'idempotency-key': 'k1' })
    expect(again.status).toBe(201)
    expect(again.body).toEqual(first.body)
    expect(again.headers['idempotent-replay']).toBe('true')
    expect((await get(app, '/admin/health')).body.orders).toBe(1)
    const other = await post(
      app,
      '/buyer/orders',
      { ...body, items: [{ skuId: 's-phone', quantity: 2 }] },
      { 'idempotency-key': 'k1' },
    )
    expect(other.status).toBe(409)
    expect(other.body.code).toBe('PLAT_ERR_IDEMPOTENCY')
  })

  it('Idempotency-Key memory is bounded: the oldest key is forgotten first', async () => {
    app = await worldApp({ at: SPOT, config: { idempotencyKeys: 1 } })
    const body = (quantity: number) => ({
      buyerId: 'b-1',
      kind: 'spot',
      items: [{ skuId: 's-phone', quantity }],
    })
    await post(app, '/buyer/orders', body(1), { 'idempotency-key': 'k1' })
    await post(app, '/buyer/orders', body(1), { 'idempotency-key': 'k2' })
    expect((await post(app, '/buyer/orders', body(2), { 'idempotency-key': 'k2' })).status).toBe(409)
    expect((await post(app, '/buyer/orders', body(2), { 'idempotency-key': 'k1' })).status).toBe(201)
  })

  it('CAL-1: presale deposit then final payment only inside the final-payment window', async () => {
    app = await worldApp({ at: '2020-09-18T10:00:00+08:00' })
    const reg = await post(app, '/merchant/m-1/registrations', {
      skuId: 's-pre',
      node: 'wave1Presale',
      campaignPriceFen: 90_000,
      crossStoreCoupon: true,
    })
    expect(reg.status).toBe(200)
    await setClock(app, '2020-10-22T10:00:00+08:00')
    const placed = await post(app, '/buyer/orders', {
      buyerId: 'b-1',
      kind: 'presale',
      items: [{ skuId: 's-pre', quantity: 1 }],
    })
    expect(placed.status).toBe(201)
    const id = placed.body.orders[0].id
    expect(placed.body.orders[0]).toMatchObject({
      kind: 'presale',
      wave: 1,
      unitPriceFen: 90_000,
      depositFen: 10_000,
    })
    const early = await post(app, `/buyer/orders/${id}/pay`, { stage: 'final' })
    expect(early.body.code).toBe('PLAT_ERR_ORDER_STATE')
    expect((await post(app, `/buyer/orders/${id}/pay`, { stage: 'deposit' })).body.status).toBe(
      'deposit_paid',
    )
    const tooSoon = await post(app, `/buyer/orders/${id}/pay`, { stage: 'final' })
    expect(tooSoon.status).toBe(422)
    expect(tooSoon.body).toMatchObject({ code: 'PLAT_ERR_PAYMENT_WINDOW', ruleId: 'CAL-1' })
    await setClock(app, '2020-11-01T00:30:00+08:00')
    const fin = await post(app, `/buyer/orders/${id}/pay`, { stage: 'final' })
    // 900 yuan to hand before the coupon: three full 300s → 120 yuan off (PRICE-3).
    expect(fin.body).toMatchObject({ status: 'paid', paidFen: 78_000, shipBy: '2020-11-03T00:30:00+08:00' })
  })

  it('presale of an unregistered SKU is refused (REG-1)', async () => {
    app = await worldApp({ at: '2020-10-22T10:00:00+08:00' })
    const r = await post(app, '/buyer/orders', {
      buyerId: 'b-1',
      kind: 'presale',
      items: [{ skuId: 's-pre', quantity: 1 }],
    })
    expect(r.body).toMatchObject({ code: 'PLAT_ERR_NOT_REGISTERED', ruleId: 'REG-1' })
  })

  it('PAY-8 (2024): a refund of an unshipped order is approved at once and releases stock', async () => {
    app = await worldApp2024({ at: '2024-11-01T10:00:00+08:00' })
    const id = await paidOrder(app)
    const r = await post(app, `/buyer/orders/${id}/refund`, { reason: 'changed mind' })
    expect(r.body).toMatchObject({ status: 'approved', instant: true })
    expect((await get(app, `/buyer/orders/${id}`)).body.status).toBe('refunded')
    expect((await rows(app, 'kind=refund.approved&ruleId=PAY-8')).length).toBe(1)
    const again = await post(app, `/buyer/orders/${id}/refund`, {})
    expect(again.body.code).toBe('PLAT_ERR_ORDER_STATE')
  })

  it("PAY-8 is a 2024 rule (002): in 2020 an unshipped order's refund waits for the merchant", async () => {
    app = await worldApp({ at: SPOT })
    const id = await paidOrder(app)
    const r = await post(app, `/buyer/orders/${id}/refund`, {})
    expect(r.body).toMatchObject({ status: 'pending', instant: false })
    expect(await rows(app, 'kind=refund.approved&ruleId=PAY-8')).toHaveLength(0)
  })

  it('a refund after pickup waits for the merchant, who decides it', async () => {
    app = await worldApp({ at: SPOT })
    const id = await paidOrder(app)
    await post(app, `/merchant/m-1/orders/${id}/pickup`)
    const r = await post(app, `/buyer/orders/${id}/refund`, {})
    expect(r.body).toMatchObject({ status: 'pending', instant: false })
    expect((await post(app, `/merchant/m-2/refunds/${r.body.id}/decide`, { approve: true })).body.code).toBe(
      'PLAT_ERR_FORBIDDEN',
    )
    const d = await post(app, `/merchant/m-1/refunds/${r.body.id}/decide`, { approve: false })
    expect(d.body.status).toBe('rejected')
  })

  it('consultation messages open a conversation and continue it', async () => {
    app = await worldApp({ at: SPOT })
    const a = await post(app, '/buyer/consultations', { buyerId: 'b-1', merchantId: 'm-1', text: 'gift?' })
    expect(a.body.messages).toBe(1)
    const b = await post(app, '/buyer/consultations', {
      buyerId: 'b-1',
      merchantId: 'm-1',
      consultationId: a.body.consultationId,
      text: 'hello?',
    })
    expect(b.body).toEqual({ consultationId: a.body.consultationId, messages: 2 })
    expect(
      (await post(app, '/buyer/consultations', { buyerId: 'b-1', merchantId: 'm-9', text: 'x' })).status,
    ).toBe(404)
  })

  it('PRICE-5: a buyer claims the difference to a lower current price', async () => {
    app = await worldApp({ at: SPOT })
    const id = await paidOrder(app)
    const none = await post(app, `/buyer/orders/${id}/price-protection`, {})
    expect(none.body).toMatchObject({ code: 'PLAT_ERR_PRICE_PROTECTION', ruleId: 'PRICE-5' })
    await app.inject({ method: 'PATCH', url: '/merchant/m-1/skus/s-phone', payload: { priceFen: 549_900 } })
    const claim = await post(app, `/buyer/orders/${id}/price-protection`, {})
    // PRICE-5 is on the to-hand price (PRICE-4): paid 5999 − 19 × 40 (300-40 coupon) = 5239 yuan,
    // now 5499 − 18 × 40 = 4779 yuan: 460 yuan owed, not the 500 of the list prices
    expect(claim.body).toEqual({ orderId: id, amountFen: 46_000, ruleId: 'PRICE-5' })
    const payouts = await rows(app, 'table=payouts')
    expect(payouts).toEqual([
      expect.objectContaining({ cause: 'price_protection', rule_id: 'PRICE-5', amount_fen: 46_000 }),
    ])
  })

  it('buyer routes need a world first', async () => {
    const { buildApp } = await import('../src/app.ts')
    const app = await buildApp({ docs: false })
    const r = await post(app, '/buyer/cart/quote', {
      buyerId: 'b-1',
      kind: 'spot',
      items: [{ skuId: 's', quantity: 1 }],
    })
    expect(r.body.code).toBe('PLAT_ERR_NO_WORLD')
    await app.close()
  })
})
