import { getCalendar } from '@d11/rules/calendar'
import { consultationMix } from '@d11/rules/experience'
import { getRuleset } from '@d11/rules/ruleset'
import { shanghaiDay } from '@d11/time/shanghai'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Consultation, Order, Registration } from '../src/entities.ts'
import { entityIndex } from '../src/entities.ts'
import { generateWorld } from '../src/generate.ts'
import { readWorld } from '../src/read-world.ts'
import { tempDir } from './helpers.ts'

const HOUR = 3_600_000
const cal = getCalendar('2022')
const orders: Order[] = []
const consultations: Consultation[] = []
const registrations: Registration[] = []
let dir: string

beforeAll(async () => {
  dir = tempDir('shape')
  await generateWorld({ seed: 42, scale: 'tiny', calendar: '2022', out: dir })
  for await (const o of readWorld(dir, 'orders')) orders.push(o)
  for await (const c of readWorld(dir, 'consultations')) consultations.push(c)
  for await (const r of readWorld(dir, 'registrations')) registrations.push(r)
}, 60_000)

describe('two waves in the generated orders (CAL-1, CAL-3), seed 42 tiny', () => {
  it('has its two busiest days on Nov 11 and on a wave-1 spot day', () => {
    const days = new Map<string, number>()
    for (const o of orders) days.set(shanghaiDay(o.simTime), (days.get(shanghaiDay(o.simTime)) ?? 0) + 1)
    const ranked = [...days].sort((a, b) => b[1] - a[1]).map(([d]) => d)
    const wave1Spot: string[] = []
    for (let t = cal.waves[0].spot.opens; t < cal.waves[0].spot.closes; t += HOUR)
      wave1Spot.push(shanghaiDay(t))
    expect(ranked[0]).toBe('2022-11-11')
    expect(wave1Spot).toContain(ranked[1])
    // The busiest day clearly beats the calmest full day of the presale weeks.
    expect(days.get('2022-11-11')!).toBeGreaterThan(5 * days.get('2022-10-27')!)
  })

  it('puts several times the hour mean rate into the first 10 minutes after Nov 11 00:00', () => {
    const t0 = Date.parse('2022-11-11T00:00:00+08:00')
    const inHour = orders.filter((o) => o.simTime >= t0 && o.simTime < t0 + HOUR)
    const first10 = inHour.filter((o) => o.simTime < t0 + 10 * 60_000).length
    const rateFirst10 = first10 / 10
    const hourMean = inHour.length / 60
    expect(inHour.length).toBeGreaterThan(200)
    expect(rateFirst10 / hourMean).toBeGreaterThan(3)
    // ... and the same 10 minutes a day earlier are far calmer (the spike is Nov 11's, not the clock's).
    const dayBefore = orders.filter(
      (o) => o.simTime >= t0 - 24 * HOUR && o.simTime < t0 - 24 * HOUR + 10 * 60_000,
    )
    expect(first10).toBeGreaterThan(10 * dayBefore.length)
  })

  it('keeps orders time-ordered (stratified inverse-CDF draws) inside the world window', () => {
    for (let i = 1; i < orders.length; i++)
      expect(orders[i]!.simTime).toBeGreaterThanOrEqual(orders[i - 1]!.simTime)
    expect(new Date(orders[0]!.createdAt).getTime()).toBe(orders[0]!.simTime)
  })

  it('has presale orders with deposit + final payment inside the final-payment window', () => {
    const presale = orders.filter((o) => o.kind === 'presale')
    expect(presale.length).toBeGreaterThan(100)
    for (const o of presale) {
      expect(o.depositFen + o.finalPaymentFen).toBe(o.totalFen)
      expect(o.depositFen).toBeGreaterThan(0)
      if (o.finalPaidAt) {
        const w = cal.waves[o.wave - 1]!.presale
        const paid = Date.parse(o.finalPaidAt)
        expect(paid).toBeGreaterThanOrEqual(w.finalPaymentOpens)
        expect(paid).toBeLessThan(w.finalPaymentCloses)
      }
    }
  })

  it('has cross-store carts (PRICE-3) whose items name the shop that owns the SKU', () => {
    const multi = orders.filter((o) => o.shopCount > 1)
    expect(multi.length / orders.length).toBeGreaterThan(0.15)
    for (const o of orders.slice(0, 2000)) {
      expect(new Set(o.items.map((i) => i.merchantId)).size).toBe(o.shopCount)
      for (const it of o.items)
        expect(Math.floor(entityIndex(it.skuId) / 20)).toBe(entityIndex(it.merchantId))
      expect(o.totalFen).toBe(o.items.reduce((s, i) => s + i.quantity * i.unitPriceFen, 0))
    }
  })
})

describe('consultations (EXP-4)', () => {
  it('matches the configured topic mix within ±0.03 absolute per topic (3,000 draws: > 3.5 σ)', () => {
    const counts = new Map<string, number>()
    for (const c of consultations) counts.set(c.topic, (counts.get(c.topic) ?? 0) + 1)
    // The configuration is the ruleset's EXP-4 mix (rules `presale` = topic `presale-question`).
    const mix = consultationMix(getRuleset('2022-04-15'))
    expect(mix.length).toBe(5)
    for (const { id, share } of mix) {
      const topic = id === 'presale' ? 'presale-question' : id
      expect(Math.abs((counts.get(topic) ?? 0) / consultations.length - share), topic).toBeLessThan(0.03)
    }
  })

  it('ties order-related consultations to an earlier order of the same buyer', () => {
    const byId = new Map(orders.map((o) => [o.id, o]))
    for (const c of consultations) {
      if (c.topic === 'presale-question') continue
      const o = byId.get(c.orderId!)
      expect(o, c.id).toBeDefined()
      expect(c.buyerId).toBe(o!.buyerId)
      expect(c.simTime).toBeGreaterThan(o!.simTime)
    }
  })

  it('diverts to bot-only reception at the burst far more than on a calm day', () => {
    const t0 = Date.parse('2022-11-11T00:00:00+08:00')
    const share = (xs: Consultation[]) => xs.filter((c) => c.botOnly).length / Math.max(1, xs.length)
    const burst = consultations.filter((c) => c.simTime >= t0 && c.simTime < t0 + 10 * 60_000)
    const calm = consultations.filter((c) => shanghaiDay(c.simTime) === '2022-10-27')
    expect(burst.length).toBeGreaterThan(10)
    expect(share(burst)).toBeGreaterThan(share(calm) + 0.4)
  })
})

describe('campaign registrations: a share deliberately invalid', () => {
  it('holds about 12 % invalid registrations besides REG-3, each of the five rules present', () => {
    const invalid = registrations.filter((r) => r.expectedRejection !== null)
    const perRegistration = invalid.filter((r) => r.expectedRejection !== 'REG-3')
    expect(perRegistration.length / registrations.length).toBeGreaterThan(0.07)
    expect(perRegistration.length / registrations.length).toBeLessThan(0.17)
    expect(new Set(invalid.map((r) => r.expectedRejection))).toEqual(
      new Set(['REG-1', 'PRICE-2', 'REG-2', 'REG-3', 'REG-4']),
    )
  })

  it('makes each invalid registration break exactly the rule it names', () => {
    const bySku = new Map<string, Registration[]>()
    for (const r of registrations) bySku.set(r.skuId, [...(bySku.get(r.skuId) ?? []), r])
    for (const r of registrations) {
      const win = cal.registration.nodes[r.node]
      const at = Date.parse(r.submittedAt)
      const inWindow = at >= win.opens && at < win.closes
      expect(inWindow, r.id).toBe(r.expectedRejection !== 'REG-1')
      expect(r.crossStoreCoupon, r.id).toBe(r.expectedRejection !== 'REG-4')
      if (r.expectedRejection === 'REG-2') {
        expect(r.node).toBe('wave2Presale')
        expect(bySku.get(r.skuId)!.map((x) => x.node)).toContain('wave1Spot')
      }
    }
  })
})

describe('sell-out items: each merchant’s most popular spot SKU has a limited launch stock', () => {
  it('stocks the index-0 spot SKUs far below the rest, and they draw the most Nov-11 00:00 demand', async () => {
    const skus: Array<{ id: string; merchantId: string; stock: number; presale: boolean }> = []
    for await (const s of readWorld(dir, 'skus')) skus.push(s)
    const perMerchant = 20
    const heroes = skus.filter((s, k) => k % perMerchant === 0 && !s.presale)
    const rest = skus.filter((s, k) => k % perMerchant !== 0 && !s.presale)
    expect(heroes.length).toBeGreaterThan(5)
    for (const s of heroes) expect(s.stock).toBeGreaterThanOrEqual(5)
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    expect(median(heroes.map((s) => s.stock))).toBeLessThan(40)
    expect(median(rest.map((s) => s.stock))).toBeGreaterThan(300)
    // the launch hour's units of a hero beat those of the next SKU of its shop, over the world
    const units = new Map<string, number>()
    const launch = cal.waves[1].spot.opens
    for (const o of orders) {
      if (o.simTime < launch || o.simTime >= launch + 24 * HOUR) continue
      for (const i of o.items) units.set(i.skuId, (units.get(i.skuId) ?? 0) + i.quantity)
    }
    const heroUnits = heroes.reduce((a, s) => a + (units.get(s.id) ?? 0), 0)
    const nextUnits = heroes.reduce((a, s) => a + (units.get(skus[entityIndex(s.id) + 1]!.id) ?? 0), 0)
    expect(heroUnits).toBeGreaterThan(nextUnits)
  })
})
