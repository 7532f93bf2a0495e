import { afterAll, describe, expect, it, vi } from 'vitest'
import { parseSimInstant } from '../src/sim-instant.ts'
import {
  baseWorld,
  closeApps,
  get,
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

const H = 3_600_000

describe('end to end at a compressed clock (2020 calendar)', () => {
  it('orders paid Nov 1 10:00 and never picked up are late at Nov 3 10:00; PAY-2 withholds, an upheld complaint pays', async () => {
    app = await worldApp({ at: '2020-11-01T10:00:00+08:00' })
    const ids = [await paidOrder(app), await paidOrder(app), await paidOrder(app, 's-phone', 'b-1', 2)]
    // 48 simulated hours in about 0.7 wall seconds.
    await post(app, '/admin/clock', { rate: 250_000 })
    await vi.waitFor(async () => expect(await rows(app, 'table=sla_verdicts')).toHaveLength(3), {
      timeout: 10_000,
      interval: 50,
    })
    await post(app, '/admin/clock', { rate: 0 })
    const due = parseSimInstant('2020-11-03T10:00:00+08:00', 'due')
    const verdicts = await rows(app, 'table=sla_verdicts')
    for (const v of verdicts)
      expect(v).toMatchObject({ rule_id: 'SHIP-1', metric: 'pickup_48h', ok: 0, sim_time: due, value: 48 })
    expect(verdicts.map((v) => v.order_id).sort()).toEqual([...ids].sort())
    // PAY-2: inside Oct 29 – Nov 18 nothing is paid automatically.
    expect(await rows(app, 'table=payouts')).toHaveLength(0)
    const withheld = await rows(app, 'kind=compensation.withheld')
    expect(withheld.map((w) => w.rule_id)).toEqual(['PAY-2', 'PAY-2', 'PAY-2'])
    // The buyer complains; the merchant disputes; the facts (late) uphold it and it is paid.
    const c = await post(app, `/buyer/orders/${ids[0]}/complaints`, { reason: 'late_shipment' })
    const h = await post(app, `/merchant/m-1/complaints/${c.body.id}/handle`, { action: 'dispute' })
    expect(h.body).toMatchObject({ status: 'upheld', payoutFen: 50_000 })
    // A second complaint goes unhandled: after 48 h the platform intervenes (PAY-5) and pays.
    const c2 = await post(app, `/buyer/orders/${ids[2]}/complaints`, { reason: 'late_shipment' })
    await post(app, '/admin/clock', { rate: 250_000 })
    await vi.waitFor(async () => expect(await rows(app, 'table=payouts')).toHaveLength(2), {
      timeout: 10_000,
      interval: 50,
    })
    await post(app, '/admin/clock', { rate: 0 })
    const payouts = await rows(app, 'table=payouts')
    expect(payouts.map((p) => [p.order_id, p.cause, p.rule_id, p.amount_fen])).toEqual([
      [ids[0], 'late_shipment', 'PAY-1', 50_000],
      [ids[2], 'late_shipment', 'PAY-1', 50_000],
    ])
    expect((await get(app, `/buyer/orders/${ids[1]}`)).body.compensatedFen).toBe(0)
    const complaint = await rows(app, 'kind=complaint.upheld')
    expect(complaint.map((e) => e.rule_id)).toEqual(['PAY-2', 'PAY-2'])
    expect(c2.body.status).toBe('open')
  })

  it('outside the PAY-2 window late orders are compensated automatically (PAY-1; PAY-4 presale multiplier)', async () => {
    app = await worldApp({ at: '2020-11-20T10:00:00+08:00' })
    const id = await paidOrder(app, 's-m2')
    await post(app, '/admin/clock/advance', { ms: 48 * H })
    // 30 % of 20 000 fen is 6 000 fen, above the 5-yuan floor.
    expect(await rows(app, 'table=payouts')).toEqual([
      expect.objectContaining({ order_id: id, cause: 'late_shipment', rule_id: 'PAY-1', amount_fen: 6_000 }),
    ])
  })

  it('PAY-3: outside the PAY-2 window an oversold order is compensated automatically as oversell', async () => {
    const lines = [
      ...baseWorld(),
      { kind: 'skus', row: sku('s-last', 'm-1', { listPriceFen: 50_000, stock: 1 }) },
    ]
    app = await worldApp({ at: '2020-11-20T10:00:00+08:00', lines, config: { oversellPolicy: 'lagging' } })
    const first = await paidOrder(app, 's-last')
    // the merchant's stale stock sync still shows the unit sold: the platform sells it again
    const sync = await app.inject({
      method: 'PUT',
      url: '/merchant/m-1/skus/s-last/stock',
      payload: { available: 1 },
    })
    expect(sync.statusCode).toBe(200)
    const second = await paidOrder(app, 's-last')
    await post(app, `/merchant/m-1/orders/${first}/pickup`)
    await post(app, '/admin/clock/advance', { ms: 48 * H })
    // Paid 500 − 40 (PRICE-3) = 460 yuan; 30 % = 138 yuan, under the ruleset's oversell figures.
    expect(await rows(app, 'table=payouts')).toEqual([
      expect.objectContaining({ order_id: second, cause: 'oversell', rule_id: 'PAY-3', amount_fen: 13_800 }),
    ])
  })

  it("000's worked example: a phone oversold by ~500 units, 335 upheld complaints at 500 yuan → 167,500 yuan", async () => {
    const lines = [
      ...baseWorld(),
      { kind: 'skus', row: sku('s-hot', 'm-1', { listPriceFen: 599_900, stock: 165 }) },
    ]
    app = await worldApp({ at: '2020-11-01T10:00:00+08:00', lines, config: { oversellPolicy: 'lagging' } })
    const oversold: string[] = []
    for (let i = 0; i < 500; i++) {
      // the merchant's lagging sync re-publishes the 165 units whenever the platform's view runs
      // out: inside the burst its view never catches up with the sales
      if (i > 0 && i % 165 === 0) {
        const sync = await app.inject({
          method: 'PUT',
          url: '/merchant/m-1/skus/s-hot/stock',
          payload: { available: 165 },
        })
        expect(sync.statusCode).toBe(200)
      }
      const placed = await post(app, '/buyer/orders', {
        buyerId: 'b-1',
        kind: 'spot',
        items: [{ skuId: 's-hot', quantity: 1 }],
      })
      const o = placed.body.orders[0]
      await post(app, `/buyer/orders/${o.id}/pay`, { stage: 'spot' })
      if (o.oversold) oversold.push(o.id)
      else await post(app, `/merchant/m-1/orders/${o.id}/pickup`)
    }
    expect(oversold).toHaveLength(335)
    // Oversold orders can never be picked up.
    expect((await post(app, `/merchant/m-1/orders/${oversold[0]}/pickup`)).body.ruleId).toBe('PAY-3')
    await post(app, '/admin/clock/advance', { ms: 48 * H })
    expect(await rows(app, 'table=payouts')).toHaveLength(0)
    for (const id of oversold) {
      const c = await post(app, `/buyer/orders/${id}/complaints`, { reason: 'late_shipment' })
      expect(
        (await post(app, `/merchant/m-1/complaints/${c.body.id}/handle`, { action: 'accept' })).body
          .payoutFen,
      ).toBe(50_000)
    }
    const payouts = await rows(app, 'table=payouts&limit=20000')
    expect(payouts).toHaveLength(335)
    const total = payouts.reduce((s, p) => s + (p.amount_fen as number), 0)
    expect(total).toBe(16_750_000)
    expect((await get(app, '/merchant/m-1/sla')).body.payoutsFen).toBe(16_750_000)
  })

  it('a 5-yuan floor applies, and a 2020 presale order gets no multiplier (PAY-1; PAY-4 is a 2024 rule)', async () => {
    const lines = [...baseWorld(), { kind: 'skus', row: sku('s-cheap', 'm-1', { listPriceFen: 1_000 }) }]
    app = await worldApp({ at: '2020-11-20T10:00:00+08:00', lines })
    await paidOrder(app, 's-cheap')
    await post(app, '/admin/clock/advance', { ms: 48 * H })
    expect((await rows(app, 'table=payouts'))[0]?.amount_fen).toBe(500)
    app = await worldApp({ at: '2020-09-20T10:00:00+08:00' })
    await post(app, '/merchant/m-1/registrations', {
      skuId: 's-pre',
      node: 'wave2Presale',
      campaignPriceFen: 100_000,
      crossStoreCoupon: true,
    })
    await setClock(app, '2020-11-05T10:00:00+08:00')
    const p = await post(app, '/buyer/orders', {
      buyerId: 'b-1',
      kind: 'presale',
      items: [{ skuId: 's-pre', quantity: 1 }],
    })
    const id = p.body.orders[0].id
    await post(app, `/buyer/orders/${id}/pay`, { stage: 'deposit' })
    await setClock(app, '2020-11-11T10:00:00+08:00')
    await post(app, `/buyer/orders/${id}/pay`, { stage: 'final' })
    await post(app, '/admin/clock/advance', { ms: 48 * H })
    const c = await post(app, `/buyer/orders/${id}/complaints`, { reason: 'late_shipment' })
    await post(app, `/merchant/m-1/complaints/${c.body.id}/handle`, { action: 'accept' })
    // 1000 − 120 coupon = 880 yuan paid; 30 % = 264 yuan, no presale multiplier in 2020.
    expect(await rows(app, 'table=payouts')).toEqual([
      expect.objectContaining({ rule_id: 'PAY-1', amount_fen: 26_400 }),
    ])
  })

  it('2024: a presale order late in wave 2 gets the PAY-4 multiplier', async () => {
    app = await worldApp2024({ at: '2024-09-20T10:00:00+08:00' })
    const r = await post(app, '/merchant/m-1/registrations', {
      skuId: 's-pre',
      node: 'wave2Presale',
      campaignPriceFen: 100_000,
      crossStoreCoupon: true,
    })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    await setClock(app, '2024-11-05T10:00:00+08:00')
    const p = await post(app, '/buyer/orders', {
      buyerId: 'b-1',
      kind: 'presale',
      items: [{ skuId: 's-pre', quantity: 1 }],
    })
    const id = p.body.orders[0].id
    await post(app, `/buyer/orders/${id}/pay`, { stage: 'deposit' })
    await setClock(app, '2024-11-11T10:00:00+08:00')
    await post(app, `/buyer/orders/${id}/pay`, { stage: 'final' })
    await post(app, '/admin/clock/advance', { ms: 48 * H })
    const c = await post(app, `/buyer/orders/${id}/complaints`, { reason: 'late_shipment' })
    await post(app, `/merchant/m-1/complaints/${c.body.id}/handle`, { action: 'accept' })
    // 1000 − 120 coupon = 880 yuan paid; 30 % = 264 yuan; × 1.5 presale = 396 yuan.
    expect(await rows(app, 'table=payouts')).toEqual([
      expect.objectContaining({ rule_id: 'PAY-4', amount_fen: 39_600 }),
    ])
  })
})
