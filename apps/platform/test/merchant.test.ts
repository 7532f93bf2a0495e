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

const REG = '2020-09-18T10:00:00+08:00'
const SPOT = '2020-11-01T10:00:00+08:00'
const REG_2024 = '2024-09-18T10:00:00+08:00'
const SPOT_2024 = '2024-11-01T10:00:00+08:00'
const reg = (skuId: string, node: string, campaignPriceFen = 500_000, crossStoreCoupon = true) => ({
  skuId,
  node,
  campaignPriceFen,
  crossStoreCoupon,
})

describe('merchant API: registration (REG, PRICE)', () => {
  it('REG-1: accepts inside the node window, refuses outside it', async () => {
    app = await worldApp({ at: REG })
    expect((await post(app, '/merchant/m-1/registrations', reg('s-phone', 'wave1Spot'))).status).toBe(200)
    // wave2Spot opens Sep 21 in the 2020 calendar.
    const early = await post(app, '/merchant/m-1/registrations', reg('s-phone', 'wave2Spot'))
    expect(early.status).toBe(422)
    expect(early.body).toMatchObject({ code: 'PLAT_ERR_REG_WINDOW', ruleId: 'REG-1', field: 'node' })
    await setClock(app, '2020-09-25T00:00:00+08:00')
    expect((await post(app, '/merchant/m-1/registrations', reg('s-pre', 'wave2Spot'))).body.ruleId).toBe(
      'REG-1',
    )
    expect((await rows(app, 'kind=registration.rejected&ruleId=REG-1')).length).toBe(2)
  })

  it('REG-2: the same SKU cannot take wave-1 spot and wave-2 presale', async () => {
    app = await worldApp({ at: '2020-09-20T10:00:00+08:00' })
    expect((await post(app, '/merchant/m-1/registrations', reg('s-phone', 'wave2Presale'))).status).toBe(200)
    const r = await post(app, '/merchant/m-1/registrations', reg('s-phone', 'wave1Spot'))
    expect(r.body).toMatchObject({ code: 'PLAT_ERR_REG_WAVE_CONFLICT', ruleId: 'REG-2' })
    // wave-1 presale + wave-1 spot is allowed.
    expect(
      (await post(app, '/merchant/m-1/registrations', reg('s-pre', 'wave1Presale', 90_000))).status,
    ).toBe(200)
    expect((await post(app, '/merchant/m-1/registrations', reg('s-pre', 'wave1Spot', 90_000))).status).toBe(
      200,
    )
  })

  it('REG-3 eligibility and REG-4 mandatory coupon', async () => {
    app = await worldApp({ at: REG })
    const r3 = await post(app, '/merchant/m-2/registrations', reg('s-m2', 'wave1Spot', 10_000))
    expect(r3.body).toMatchObject({
      code: 'PLAT_ERR_REG_ELIGIBILITY',
      ruleId: 'REG-3',
      field: 'violationPoints',
    })
    // REG-4: the registration must carry the cross-store coupon…
    const r4 = await post(app, '/merchant/m-1/registrations', reg('s-phone', 'wave1Spot', 500_000, false))
    expect(r4.body).toMatchObject({ code: 'PLAT_ERR_REG_COUPON', ruleId: 'REG-4', field: 'crossStoreCoupon' })
    // …and the merchant itself must have set it: m-3 (crossStoreCoupon: false) is refused whatever
    // its registration says (every participating merchant sets the coupon).
    const m3 = await post(app, '/merchant/m-3/registrations', reg('s-m3', 'wave1Spot', 10_000))
    expect(m3.status).toBe(422)
    expect(m3.body).toMatchObject({ code: 'PLAT_ERR_REG_COUPON', ruleId: 'REG-4', field: 'crossStoreCoupon' })
    expect(m3.body.message).toContain('m-3')
    expect((await post(app, '/merchant/m-1/registrations', reg('s-m2', 'wave1Spot'))).status).toBe(403)
  })

  it('PRICE-2: a Double 11 price above the lowest daily price is refused', async () => {
    app = await worldApp({ at: REG })
    const r = await post(app, '/merchant/m-1/registrations', reg('s-phone', 'wave1Spot', 595_000))
    expect(r.body).toMatchObject({
      code: 'PLAT_ERR_PRICE_TIER',
      ruleId: 'PRICE-2',
      field: 'campaignPriceFen',
    })
    const ok = await post(app, '/merchant/m-1/registrations', reg('s-phone', 'wave1Spot', 589_900))
    expect(ok.body.ceilingFen).toBe(589_900)
  })

  it("PRICE-1/2: 001's three tier examples (2022-04-15 ruleset) and the earlier same-tier rule", async () => {
    const cp = (campaign: string, tier: string, day: string) => [
      { campaign, tier, priceFen: 10_000, from: `${day}T00:00:00+08:00`, to: `${day}T23:59:59+08:00` },
    ]
    app = await worldApp({
      at: '2022-09-20T10:00:00+08:00',
      lines: [
        { kind: 'merchants', row: merchant('m-1') },
        { kind: 'skus', row: sku('s-99', 'm-1', { campaignPrices: cp('99', 'S2', '2022-09-09') as never }) },
        {
          kind: 'skus',
          row: sku('s-jhs', 'm-1', { campaignPrices: cp('juhuasuan', 'S2', '2022-09-09') as never }),
        },
        {
          kind: 'skus',
          row: sku('s-d12', 'm-1', { campaignPrices: cp('double12', 'S1', '2022-09-09') as never }),
        },
        {
          kind: 'skus',
          row: sku('s-99-2021', 'm-1', { campaignPrices: cp('99', 'S2', '2021-09-09') as never }),
        },
      ],
    })
    const check = (skuId: string, campaign: string) =>
      post(app, '/merchant/m-1/price-check', { skuId, campaign, priceFen: 15_000 })
    // 99 then Juhuasuan: same tier (S2), not validated → a higher price passes.
    expect((await check('s-99', 'juhuasuan')).body).toMatchObject({ ok: true, ruleset: '2022-04-15' })
    // Juhuasuan then Double 12: S1 validates S2 → must not exceed 100 yuan.
    expect((await check('s-jhs', 'double12')).body).toMatchObject({
      ok: false,
      ruleId: 'PRICE-2',
      ceilingFen: 10_000,
      source: 'juhuasuan',
    })
    // Double 12 then Billion-Subsidy: S1 is never validated.
    expect((await check('s-d12', 'billion-subsidy')).body).toMatchObject({ ok: true })
    // Before 2022-04-15 the same tier did validate itself.
    await setClock(app, '2021-09-20T10:00:00+08:00')
    expect((await check('s-99-2021', 'juhuasuan')).body).toMatchObject({
      ok: false,
      ceilingFen: 10_000,
      ruleset: '2009-11-11',
    })
  })
})

describe('merchant API: shipping (SHIP)', () => {
  it('pulls orders and confirms pickup in time (SHIP-1 ok) then trace (SHIP-2 ok)', async () => {
    app = await worldApp({ at: SPOT })
    const id = await paidOrder(app)
    const list = await get(app, '/merchant/m-1/orders?status=paid')
    expect(list.body.orders.map((o: { id: string }) => o.id)).toEqual([id])
    await post(app, '/admin/clock/advance', { ms: 47 * 3_600_000 })
    expect((await post(app, `/merchant/m-1/orders/${id}/pickup`)).body.status).toBe('picked_up')
    await post(app, '/admin/clock/advance', { ms: 23 * 3_600_000 })
    expect((await post(app, `/merchant/m-1/orders/${id}/trace`)).status).toBe(200)
    await post(app, '/admin/clock/advance', { ms: 48 * 3_600_000 })
    const verdicts = await rows(app, 'table=sla_verdicts')
    expect(verdicts.map((v) => [v.rule_id, v.metric, v.ok])).toEqual([
      ['SHIP-1', 'pickup_48h', 1],
      ['SHIP-2', 'trace_24h', 1],
    ])
    expect((await post(app, `/merchant/m-2/orders/${id}/pickup`)).body.code).toBe('PLAT_ERR_FORBIDDEN')
  })

  it('SHIP-2: no trace within 24 h of pickup is a verdict', async () => {
    app = await worldApp({ at: SPOT })
    const id = await paidOrder(app)
    await post(app, `/merchant/m-1/orders/${id}/pickup`)
    await post(app, '/admin/clock/advance', { ms: 25 * 3_600_000 })
    const v = await rows(app, 'table=sla_verdicts&ruleId=SHIP-2')
    expect(v).toEqual([expect.objectContaining({ metric: 'trace_24h', ok: 0, order_id: id })])
  })

  it('SHIP-3: a negotiated ship time replaces the deadline', async () => {
    app = await worldApp({ at: SPOT })
    const id = await paidOrder(app)
    const n = await post(app, `/merchant/m-1/orders/${id}/negotiate`, { shipBy: '2020-11-05T10:00:00+08:00' })
    expect(n.body.shipBy).toBe('2020-11-05T10:00:00+08:00')
    await post(app, '/admin/clock/advance', { to: '2020-11-04T10:00:00+08:00' })
    expect(await rows(app, 'kind=late_shipment')).toHaveLength(0)
    await post(app, '/admin/clock/advance', { to: '2020-11-05T10:00:00+08:00' })
    expect(await rows(app, 'kind=late_shipment')).toHaveLength(1)
    expect((await rows(app, 'kind=shipping.negotiated'))[0]?.rule_id).toBe('SHIP-3')
  })

  it('SHIP-4: delay reports are refused inside the no-auto-compensation window, accepted outside', async () => {
    app = await worldApp({ at: SPOT })
    const id = await paidOrder(app)
    const r = await post(app, `/merchant/m-1/orders/${id}/delay-report`, {
      shipBy: '2020-11-06T10:00:00+08:00',
      reason: 'storm',
    })
    expect(r.status).toBe(422)
    expect(r.body).toMatchObject({ code: 'PLAT_ERR_DELAY_REPORT_WINDOW', ruleId: 'SHIP-4' })
    await setClock(app, '2020-11-20T10:00:00+08:00')
    const id2 = await paidOrder(app)
    const ok = await post(app, `/merchant/m-1/orders/${id2}/delay-report`, {
      shipBy: '2020-11-25T10:00:00+08:00',
      reason: 'storm',
    })
    expect(ok.body.shipBy).toBe('2020-11-25T10:00:00+08:00')
  })
})

describe('merchant API: stock view (PUT /merchant/:id/skus/:skuId/stock)', () => {
  it('is recorded only under strict, checked for ownership and shape', async () => {
    app = await worldApp({ at: SPOT })
    const put = (url: string, payload: unknown) =>
      app.inject({ method: 'PUT', url, payload: payload as object })
    const ok = await put('/merchant/m-1/skus/s-phone/stock', { available: 5 })
    expect(ok.statusCode).toBe(200)
    // strict: the platform keeps selling its own count (1000), the publication is only an event
    expect(ok.json()).toMatchObject({
      skuId: 's-phone',
      available: 5,
      policy: 'strict',
      effective: false,
      sellable: 1000,
    })
    expect((await rows(app, 'kind=stock.published&ruleId=PAY-3')).length).toBe(1)
    const mine = await put('/merchant/m-2/skus/s-phone/stock', { available: 5 })
    expect(mine.statusCode).toBe(403)
    expect(mine.json()).toMatchObject({ code: 'PLAT_ERR_FORBIDDEN', field: 'skuId' })
    const neg = await put('/merchant/m-1/skus/s-phone/stock', { available: -1 })
    expect(neg.statusCode).toBe(400)
    expect(neg.json()).toMatchObject({ code: 'PLAT_ERR_VALIDATION', field: 'body.available' })
    const unknown = await put('/merchant/m-1/skus/s-none/stock', { available: 1 })
    expect(unknown.json()).toMatchObject({ code: 'PLAT_ERR_NOT_FOUND', field: 'skuId' })
  })
})

describe('listings (SHIP-6)', () => {
  it('a title claiming free shipping without a free template everywhere is a SHIP-6 violation', async () => {
    const { REGIONS } = await import('@d11/generator/config')
    const tpl = (freeRegions: string[]) => ({
      id: 't',
      freeRegions,
      feeFen: freeRegions.length === REGIONS.length ? 0 : 800,
    })
    app = await worldApp({
      lines: [
        ...baseWorld(),
        {
          kind: 'skus',
          row: sku('s-free-ok', 'm-1', { title: 'tea 包邮', shippingTemplate: tpl([...REGIONS]) }),
        },
        {
          kind: 'skus',
          row: sku('s-free-bad', 'm-1', { title: 'tea 包邮', shippingTemplate: tpl(REGIONS.slice(0, 20)) }),
        },
        {
          kind: 'skus',
          row: sku('s-no-claim', 'm-1', { title: 'tea', shippingTemplate: tpl(REGIONS.slice(0, 20)) }),
        },
      ],
    })
    const v = await rows(app, 'kind=listing.violation')
    expect(v).toEqual([expect.objectContaining({ sku_id: 's-free-bad', rule_id: 'SHIP-6' })])
  })
})

describe('merchant API: service, complaints, SLA (EXP, PAY)', () => {
  it('EXP-1/EXP-2 are judged over a sliding 30-day window of simulated time', async () => {
    app = await worldApp({ at: '2020-11-01T10:00:00+08:00' })
    const ask = async (buyerId: string) =>
      (await post(app, '/buyer/consultations', { buyerId, merchantId: 'm-1', text: 'q' })).body
        .consultationId as string
    const human = (id: string) =>
      post(app, `/merchant/m-1/consultations/${id}/reply`, { mode: 'human', text: 'ok' })
    const sla = async () => (await get(app, '/merchant/m-1/sla')).body
    // Nov 1 (Asia/Shanghai): b-1 never answered, b-2 answered by a human after 600 s
    await ask('b-1')
    const c2 = await ask('b-2')
    await post(app, '/admin/clock/advance', { ms: 600_000 })
    expect((await human(c2)).body.responseMs).toBe(600_000)
    // Nov 20: b-1 answered after 60 s
    await setClock(app, '2020-11-20T10:00:00+08:00')
    const c3 = await ask('b-1')
    await post(app, '/admin/clock/advance', { ms: 60_000 })
    await human(c3)
    expect(await sla()).toMatchObject({ replyRate: 2 / 3, manualResponseSec: 330 })
    // Nov 30 23:59 is the 30th natural day from Nov 1: Nov 1 still counts
    await setClock(app, '2020-11-30T23:59:00+08:00')
    expect(await sla()).toMatchObject({ replyRate: 2 / 3, manualResponseSec: 330 })
    // Dec 1 00:30: Nov 1 left the EXP-1 window (natural days); its manual turn (Nov 1 10:10) is
    // still inside the last 30 × 24 h
    await setClock(app, '2020-12-01T00:30:00+08:00')
    expect(await sla()).toMatchObject({ replyRate: 1, manualResponseSec: 330 })
    // Dec 1 10:11: the Nov 1 10:10 turn is older than 30 days
    await setClock(app, '2020-12-01T10:11:00+08:00')
    expect(await sla()).toMatchObject({ replyRate: 1, manualResponseSec: 60 })
    // Dec 31: nothing left in either window
    await setClock(app, '2020-12-31T10:00:00+08:00')
    expect(await sla()).toMatchObject({ replyRate: 1, manualResponseSec: 0 })
  })

  it('EXP-1 counts (buyer, Asia/Shanghai natural day) once; a reply after Shanghai midnight misses the day', async () => {
    // 23:50 +08:00 is 10:50 in New York the same day, so a host-zone day would be wrong here
    app = await worldApp({ at: '2020-11-11T23:50:00+08:00' })
    const ask = async (buyerId: string) =>
      (await post(app, '/buyer/consultations', { buyerId, merchantId: 'm-1', text: 'q' })).body
        .consultationId as string
    const c1 = await ask('b-1')
    await post(app, '/admin/clock/advance', { ms: 20 * 60_000 }) // Nov 12 00:10
    await post(app, `/merchant/m-1/consultations/${c1}/reply`, { mode: 'human', text: 'ok' })
    expect((await get(app, '/merchant/m-1/sla')).body.replyRate).toBe(0)
    // b-2 asks twice on Nov 12: one (buyer, day) pair, answered by the bot
    await ask('b-2')
    const c3 = await ask('b-2')
    await post(app, `/merchant/m-1/consultations/${c3}/reply`, { mode: 'bot', text: 'answer' })
    expect((await get(app, '/merchant/m-1/sla')).body.replyRate).toBe(1 / 2)
  })

  it('EXP-1/EXP-2: auto-replies do not count; human and bot-assisted turns are timed', async () => {
    app = await worldApp({
      at: SPOT,
      lines: [
        ...baseWorld(),
        {
          kind: 'buyers',
          row: {
            id: 'b-3',
            name: 'x',
            region: 'Zhejiang',
            city: 'x',
            membership: 'none',
            registeredAt: '2019-01-01T00:00:00+08:00',
          },
        },
      ],
    })
    const c1 = (await post(app, '/buyer/consultations', { buyerId: 'b-1', merchantId: 'm-1', text: 'q' }))
      .body.consultationId
    const c2 = (await post(app, '/buyer/consultations', { buyerId: 'b-2', merchantId: 'm-1', text: 'q' }))
      .body.consultationId
    const c3 = (await post(app, '/buyer/consultations', { buyerId: 'b-3', merchantId: 'm-1', text: 'q' }))
      .body.consultationId
    await post(app, '/admin/clock/advance', { ms: 30_000 })
    const auto = await post(app, `/merchant/m-1/consultations/${c1}/reply`, {
      mode: 'auto-reply',
      text: 'hi',
    })
    expect(auto.body).toMatchObject({ counted: false, manual: false })
    expect(
      (await post(app, `/merchant/m-1/consultations/${c2}/reply`, { mode: 'human', text: 'ok' })).body
        .responseMs,
    ).toBe(30_000)
    await post(app, '/admin/clock/advance', { ms: 30_000 })
    expect(
      (await post(app, `/merchant/m-1/consultations/${c3}/reply`, { mode: 'bot-assisted', text: 'ok' })).body
        .manual,
    ).toBe(true)
    const sla = (await get(app, '/merchant/m-1/sla')).body
    expect(sla.replyRate).toBeCloseTo(2 / 3)
    expect(sla.manualResponseSec).toBe(45)
    await post(app, `/merchant/m-1/consultations/${c1}/reply`, { mode: 'bot', text: 'answer' })
    expect((await get(app, '/merchant/m-1/sla')).body.replyRate).toBe(1)
    // Verdict rows for every merchant, judged against the ruleset's thresholds.
    // 2020: EXP-3 (002, 2024) is not in force, so no experience-score row and no score
    expect((await post(app, '/admin/sla/evaluate')).body.verdicts).toBe(6)
    const v = (await rows(app, 'table=sla_verdicts')).filter((r) => r.merchant_id === 'm-1')
    expect(v.map((r) => [r.rule_id, r.metric])).toEqual([
      ['EXP-1', 'reply_rate'],
      ['EXP-2', 'manual_response_time'],
    ])
    expect((await get(app, '/merchant/m-1/sla')).body.experienceScore).toBeNull()
    expect(v[0]).toMatchObject({ value: 1, ok: 1 })
    expect(v[1]).toMatchObject({ value: 45 })
    expect(v[1]?.ok).toBe((v[1]?.value as number) <= (v[1]?.threshold as number) ? 1 : 0)
  })

  it('PAY-5: a complaint unhandled for 48 h is judged by the platform; handled ones are on time', async () => {
    app = await worldApp({ at: SPOT })
    const id = await paidOrder(app)
    const c = await post(app, `/buyer/orders/${id}/complaints`, { reason: 'other' })
    expect(c.body.status).toBe('open')
    await post(app, '/admin/clock/advance', { ms: 48 * 3_600_000 })
    expect((await get(app, `/buyer/orders/${id}`)).body.late).toBe(true)
    const v = await rows(app, 'table=sla_verdicts&ruleId=PAY-5')
    expect(v).toEqual([expect.objectContaining({ metric: 'complaint_48h', ok: 0 })])
    const handled = await post(app, `/merchant/m-1/complaints/${c.body.id}/handle`, { action: 'accept' })
    expect(handled.body.code).toBe('PLAT_ERR_ORDER_STATE')
  })

  it('PAY-7: one appeal per upheld complaint, within 30 days; an unfounded complaint is overturned', async () => {
    app = await worldApp({ at: SPOT })
    const id = await paidOrder(app)
    // Complaint filed before the deadline: not founded, but the merchant accepts it anyway.
    const c = await post(app, `/buyer/orders/${id}/complaints`, { reason: 'late_shipment' })
    const h = await post(app, `/merchant/m-1/complaints/${c.body.id}/handle`, { action: 'accept' })
    expect(h.body).toMatchObject({ status: 'upheld', handledBy: 'merchant' })
    const a = await post(app, `/merchant/m-1/complaints/${c.body.id}/appeal`, { reason: 'was not late' })
    expect(a.body).toEqual({ complaintId: c.body.id, overturned: true, status: 'rejected' })
    const twice = await post(app, `/merchant/m-1/complaints/${c.body.id}/appeal`, { reason: 'again' })
    expect(twice.body).toMatchObject({ code: 'PLAT_ERR_APPEAL', ruleId: 'PAY-7' })
  })

  it('PAY-7 (2024): an appeal 30+ days after the decision is refused', async () => {
    app = await worldApp2024({ at: SPOT_2024 })
    const id2 = await paidOrder(app)
    const c2 = await post(app, `/buyer/orders/${id2}/complaints`, { reason: 'other' })
    await post(app, `/merchant/m-1/complaints/${c2.body.id}/handle`, { action: 'dispute' })
    await post(app, '/admin/clock/advance', { ms: 31 * 86_400_000 })
    expect(
      (await post(app, `/merchant/m-1/complaints/${c2.body.id}/appeal`, { reason: 'x' })).body.ruleId,
    ).toBe('PAY-7')
  })

  it('PAY-7 is a 2024 rule: in 2020 no 30-day appeal window applies', async () => {
    app = await worldApp({ at: SPOT })
    const id2 = await paidOrder(app)
    const c2 = await post(app, `/buyer/orders/${id2}/complaints`, { reason: 'other' })
    await post(app, `/merchant/m-1/complaints/${c2.body.id}/handle`, { action: 'dispute' })
    await post(app, '/admin/clock/advance', { ms: 31 * 86_400_000 })
    const late = await post(app, `/merchant/m-1/complaints/${c2.body.id}/appeal`, { reason: 'x' })
    expect(late.body.code).not.toBe('PLAT_ERR_APPEAL')
  })

  it('PAY-7 (2024): five failed appeals on one SKU put it under review, once; not in 2020', async () => {
    const failedAppeals = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const id = await paidOrder(app)
        // an "other" complaint stands on its own: accepted, its appeal fails
        const c = await post(app, `/buyer/orders/${id}/complaints`, { reason: 'other' })
        await post(app, `/merchant/m-1/complaints/${c.body.id}/handle`, { action: 'accept' })
        const a = await post(app, `/merchant/m-1/complaints/${c.body.id}/appeal`, { reason: 'x' })
        expect(a.body).toMatchObject({ overturned: false, status: 'upheld' })
      }
    }
    const reviews = async () =>
      (await rows(app, 'ruleId=PAY-7')).filter((r) => r.kind === 'product.review').map((r) => r.sku_id)
    app = await worldApp2024({ at: SPOT_2024 })
    await failedAppeals(4)
    expect(await reviews()).toEqual([])
    await failedAppeals(2)
    expect(await reviews()).toEqual(['s-phone'])
    app = await worldApp({ at: SPOT })
    await failedAppeals(6)
    expect(await reviews()).toEqual([])
  })

  it('PRICE-5: a price cut during spot on a presale+spot SKU owes every presale buyer', async () => {
    app = await worldApp({ at: REG })
    await post(app, '/merchant/m-1/registrations', reg('s-pre', 'wave1Presale', 90_000))
    await post(app, '/merchant/m-1/registrations', reg('s-pre', 'wave1Spot', 90_000))
    await setClock(app, '2020-10-22T10:00:00+08:00')
    const ids = []
    for (let i = 0; i < 3; i++) {
      const p = await post(app, '/buyer/orders', {
        buyerId: 'b-1',
        kind: 'presale',
        items: [{ skuId: 's-pre', quantity: 1 }],
      })
      await post(app, `/buyer/orders/${p.body.orders[0].id}/pay`, { stage: 'deposit' })
      ids.push(p.body.orders[0].id)
    }
    await setClock(app, SPOT)
    const cut = await app.inject({
      method: 'PATCH',
      url: '/merchant/m-1/skus/s-pre',
      payload: { priceFen: 85_000 },
    })
    // PRICE-5 on to-hand prices (PRICE-4): paid 900 − 3 × 40 = 780 yuan, now 850 − 2 × 40 = 770
    expect(cut.json()).toMatchObject({
      toHandUnitFen: 77_000,
      owedFen: 3_000,
      buyersOwed: 3,
      ruleId: 'PRICE-5',
    })
    const perk = await app.inject({
      method: 'PATCH',
      url: '/merchant/m-1/skus/s-pre',
      payload: { perks: [{ name: 'earbuds', valueFen: 2_000 }] },
    })
    // 20 yuan of perks lower the spot to-hand to 750: each buyer, protected down to 770, is owed 20 more
    expect(perk.json().owedFen).toBe(6_000)
    const payouts = await rows(app, 'table=payouts')
    expect(payouts).toHaveLength(6)
    expect(payouts.every((p) => p.rule_id === 'PRICE-5' && p.cause === 'price_protection')).toBe(true)
    expect((await get(app, '/merchant/m-1/sla')).body.payoutsFen).toBe(9_000)
  })

  it('PAY-6 is a 2024 rule: in 2020 a high delay rate neither warns nor removes', async () => {
    app = await worldApp({ at: SPOT })
    const ids = []
    for (let i = 0; i < 20; i++) ids.push(await paidOrder(app))
    for (const id of ids.slice(4)) await post(app, `/merchant/m-1/orders/${id}/pickup`)
    await post(app, '/admin/clock/advance', { ms: 49 * 3_600_000 })
    expect(await rows(app, 'kind=merchant.warned')).toHaveLength(0)
    expect(await rows(app, 'kind=merchant.removed')).toHaveLength(0)
    expect((await get(app, '/merchant/m-1/sla')).body).toMatchObject({
      warned: false,
      removed: false,
      lateOrders: 4,
    })
  })

  it('PAY-6 (2024): a delay rate past the ruleset thresholds warns, then removes the merchant', async () => {
    app = await worldApp2024({ at: SPOT_2024 })
    const ids = []
    for (let i = 0; i < 20; i++) ids.push(await paidOrder(app))
    // PAY-6 counts an order when its deadline passes (@d11/order-flow, as the simulator does): the
    // late order is the last of 20 simultaneous deadlines, so 20 are due when it is judged.
    for (const id of ids.slice(0, -1)) await post(app, `/merchant/m-1/orders/${id}/pickup`)
    await post(app, '/admin/clock/advance', { ms: 49 * 3_600_000 })
    // 1 of 20 due orders late = 5 %: warning (2024-05-20 ruleset defaults).
    expect((await rows(app, 'kind=merchant.warned'))[0]?.rule_id).toBe('PAY-6')
    expect(await rows(app, 'kind=merchant.removed')).toHaveLength(0)
    for (let i = 0; i < 3; i++) await paidOrder(app)
    await post(app, '/admin/clock/advance', { ms: 49 * 3_600_000 })
    // 4 of 23 = 17 %: removal.
    expect((await rows(app, 'kind=merchant.removed'))[0]?.rule_id).toBe('PAY-6')
    const sla = (await get(app, '/merchant/m-1/sla')).body
    expect(sla).toMatchObject({ warned: true, removed: true, lateOrders: 4 })
    expect(sla.pickup48hRate).toBeCloseTo(19 / 23)
    await setClock(app, REG_2024)
    expect((await post(app, '/merchant/m-1/registrations', reg('s-phone', 'wave1Spot'))).body.ruleId).toBe(
      'PAY-6',
    )
  })
})
