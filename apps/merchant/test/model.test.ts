import { nextWave, ShiftCalendar } from '@d11/merchant-model/capacity'
import { loadProfile } from '@d11/merchant-model/profile'
import { shanghaiDay } from '@d11/time/shanghai'
import seedrandom from 'seedrandom'
import { describe, expect, it } from 'vitest'
import { Inventory, MerchantModel, StockPublisher, StockSync } from '../src/model.ts'

const T0 = Date.parse('2020-11-11T00:00:00+08:00')
const HOUR = 3_600_000

/** The same synthetic burst for every profile: arrivals decaying over the first hour after 00:00. */
function burst(n: number, seed: string): number[] {
  const rng = seedrandom(seed)
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push(T0 + (Math.floor(-Math.log(1 - rng()) * 15 * 60_000) % HOUR))
  return out.sort((a, b) => a - b)
}

function csMetrics(profileName: string) {
  const model = new MerchantModel(loadProfile(profileName), 'm-000001')
  let consulted = 0
  let answered = 0
  let manualMs = 0
  let manualTurns = 0
  for (const t of burst(2000, 'cs')) {
    consulted++
    const plan = model.cs.onMessage(t)
    const effective = plan.replies.find((r) => r.mode !== 'auto-reply')
    // EXP-1: answered effectively within the same natural day
    if (effective && shanghaiDay(effective.at) === shanghaiDay(t)) answered++
    if (effective && (effective.mode === 'human' || effective.mode === 'bot-assisted')) {
      manualTurns++
      manualMs += effective.at - t
    }
    expect(plan.replies.some((r) => r.mode === 'auto-reply')).toBe(true)
  }
  return { replyRate: answered / consulted, manualSec: manualMs / manualTurns / 1000, manualTurns }
}

describe('merchant model under the same synthetic load', () => {
  it('understaffed answers fewer buyers and answers them slower than prepared (EXP-1, EXP-2)', () => {
    const prepared = csMetrics('prepared')
    const understaffed = csMetrics('understaffed')
    expect(prepared.manualTurns).toBeGreaterThan(0)
    expect(understaffed.manualTurns).toBeGreaterThan(0)
    expect(understaffed.replyRate).toBeLessThan(prepared.replyRate)
    expect(understaffed.manualSec).toBeGreaterThan(prepared.manualSec * 2)
    expect(prepared.replyRate).toBeGreaterThan(0.9)
  })

  it('bot-only diversion kicks in at the burst and auto-replies never count (003, 001)', () => {
    const model = new MerchantModel(
      loadProfile('prepared', { set: ['customerService.bot.coverage=0'] }),
      'm-1',
    )
    let diverted = 0
    for (const t of burst(2000, 'cs')) if (model.cs.onMessage(t).diverted) diverted++
    expect(diverted).toBeGreaterThan(0)
    const autoOnly = new MerchantModel(
      loadProfile('understaffed', {
        set: [
          'customerService.agents.count=0',
          'customerService.agents.shifts[0].count=0',
          'customerService.agents.shifts[2].count=0',
          'customerService.bot.coverage=0',
        ],
      }),
      'm-1',
    )
    const plan = autoOnly.cs.onMessage(T0)
    expect(plan.abandoned).toBe(true)
    expect(plan.replies.map((r) => r.mode)).toEqual(['auto-reply'])
  })

  it('is deterministic for a seed', () => {
    const a = new MerchantModel(loadProfile('understaffed'), 'm-7')
    const b = new MerchantModel(loadProfile('understaffed'), 'm-7')
    const ts = burst(200, 'det')
    expect(ts.map((t) => a.cs.onMessage(t))).toEqual(ts.map((t) => b.cs.onMessage(t)))
  })

  it('oversell-prone sells units it does not have; prepared never does (PAY-3)', () => {
    const oversold = (name: string) => {
      const profile = loadProfile(name)
      const physical = 500
      const sync = new StockSync(profile.stock, physical)
      const model = new MerchantModel(profile, 'm-1', new Inventory([['s-1', physical]]))
      let count = 0
      for (const t of burst(3000, 'stock')) {
        if (!sync.tryBuy(t, 1)) continue
        if (model.onPaid({ skuId: 's-1', quantity: 1 }, t).kind === 'oversold') count++
      }
      return { count, sold: sync.unitsSold }
    }
    const prepared = oversold('prepared')
    const prone = oversold('oversell-prone')
    expect(prepared.count).toBe(0)
    expect(prepared.sold).toBeLessThanOrEqual(500)
    expect(prone.sold).toBeGreaterThan(500)
    expect(prone.count).toBe(prone.sold - 500)
  })

  it('warehouse backlog grows at the spike and drains; understaffed misses 48 h pickups (SHIP-1)', () => {
    const late = (name: string) => {
      const model = new MerchantModel(loadProfile(name), 'm-1')
      const plans = burst(5000, 'orders').map((t) => ({
        t,
        plan: model.onPaid({ skuId: 's', quantity: 1 }, t),
      }))
      let lateCount = 0
      let lastPickup = 0
      for (const { t, plan } of plans) {
        if (plan.kind !== 'ship') throw new Error('unexpected oversell')
        expect(plan.pickupAt).toBeGreaterThanOrEqual(plan.packedAt)
        expect(plan.traceAt).toBeGreaterThanOrEqual(plan.pickupAt)
        if (plan.pickupAt - t > 48 * HOUR) lateCount++
        lastPickup = Math.max(lastPickup, plan.pickupAt)
      }
      return { lateCount, drainedBy: lastPickup }
    }
    const prepared = late('prepared')
    const understaffed = late('understaffed')
    expect(prepared.lateCount).toBe(0)
    expect(understaffed.lateCount).toBeGreaterThan(0)
    expect(understaffed.drainedBy).toBeGreaterThan(prepared.drainedBy)
  })
})

describe('stock publisher (lagging sync)', () => {
  it('publishes physical stock less the sales older than the lag, when the figure or the sales moved', () => {
    const p = loadProfile('oversell-prone', { set: ['stock.safetyStockShare=0.1'] }).stock
    const t0 = Date.parse('2020-11-11T00:00:00+08:00')
    const min = 60_000
    const pub = new StockPublisher(p, new Map([['s-1', 100]]))
    pub.recordSale('m-1', 's-1', 30, t0)
    pub.recordSale('m-1', 's-unknown', 5, t0)
    // 10 min later the 30-min-old view has not seen the sale: 90 (100 less 10 % safety) again
    expect(pub.sync(t0 + 10 * min)).toEqual([{ merchantId: 'm-1', skuId: 's-1', available: 90 }])
    // nothing sold since: the platform still holds 90, nothing to send
    expect(pub.sync(t0 + 20 * min)).toEqual([])
    // a sale the stale view cannot see yet: the same 90, published again so the platform sells it again
    pub.recordSale('m-1', 's-1', 10, t0 + 21 * min)
    expect(pub.sync(t0 + 22 * min)).toEqual([{ merchantId: 'm-1', skuId: 's-1', available: 90 }])
    pub.recordSale('m-1', 's-1', 60, t0 + 25 * min)
    // past the lag the first sale is known; the second one is not yet
    expect(pub.sync(t0 + 31 * min)).toEqual([{ merchantId: 'm-1', skuId: 's-1', available: 60 }])
    // never below zero
    expect(pub.sync(t0 + 60 * min)).toEqual([{ merchantId: 'm-1', skuId: 's-1', available: 0 }])
  })
})

describe('shift calendar', () => {
  it('works only inside shifts and crosses midnight', () => {
    const cal = new ShiftCalendar([{ from: '22:00', to: '02:00', rate: 60 }])
    // 1 unit per minute from 22:00 to 02:00; 300 units started at 21:00 take 240 min + a day
    const start = Date.parse('2020-11-10T21:00:00+08:00')
    expect(cal.finish(start, 60)).toBe(Date.parse('2020-11-10T23:00:00+08:00'))
    expect(cal.finish(start, 300)).toBe(Date.parse('2020-11-11T23:00:00+08:00'))
    expect(cal.rateAt(Date.parse('2020-11-11T01:59:00+08:00'))).toBe(60)
    expect(cal.rateAt(Date.parse('2020-11-11T02:00:00+08:00'))).toBe(0)
    expect(new ShiftCalendar([{ from: '00:00', to: '24:00', rate: 0 }]).finish(start, 1)).toBe(
      Number.POSITIVE_INFINITY,
    )
  })

  it('finds the next carrier wave in Asia/Shanghai whatever the host zone', () => {
    expect(nextWave(Date.parse('2020-11-11T17:30:00+08:00'), ['10:00', '17:00'])).toBe(
      Date.parse('2020-11-12T10:00:00+08:00'),
    )
    expect(nextWave(Date.parse('2020-11-11T10:00:00+08:00'), ['10:00'])).toBe(
      Date.parse('2020-11-11T10:00:00+08:00'),
    )
  })
})
