import { loadProfile } from '@d11/merchant-model/profile'
import { describe, expect, it } from 'vitest'
import { buyAndPay, buyerId, startPair, until } from './harness.ts'

const HOUR = 3_600_000

describe('platform + merchant on real ports over a compressed clock', () => {
  it('understaffed has a lower reply rate and a longer manual response time than prepared (EXP-1, EXP-2)', async () => {
    const run = async (name: string) => {
      // the Nov 11 00:00 burst: 100 buyers write in within a few simulated minutes
      const pair = await startPair(loadProfile(name), {
        start: '2020-11-11T00:00:00+08:00',
        rate: 1200,
        stock: 100,
        buyers: 100,
      })
      try {
        for (let i = 1; i <= 100; i++) {
          const r = await pair.call('POST', '/buyer/consultations', {
            buyerId: buyerId(i),
            merchantId: 'm-000001',
            text: 'Is the coupon stackable?',
          })
          expect(r.status).toBe(200)
        }
        const sent = (await pair.call('GET', '/admin/clock')).body.simTimeMs as number
        // every buyer has had an answer or given up (abandonAfterMinutes: 30) by +35 sim min
        await until(
          async () => (await pair.call('GET', '/admin/clock')).body.simTimeMs > sent + 35 * 60_000,
          15_000,
          'the simulated clock',
        )
        const sla = (await pair.call('GET', '/merchant/m-000001/sla')).body
        const stats = pair.merchant.merchant.snapshot()
        return { sla, stats }
      } finally {
        await pair.close()
      }
    }
    const [prepared, understaffed] = await Promise.all([run('prepared'), run('understaffed')])
    expect(prepared.stats.pushes).toBe(100)
    expect(understaffed.stats.pushes).toBe(100)
    // auto-replies went out but do not count (001)
    expect(understaffed.stats.replies['auto-reply']).toBe(100)
    expect(understaffed.sla.replyRate).toBeLessThan(prepared.sla.replyRate)
    expect(prepared.sla.replyRate).toBeGreaterThan(0.9)
    expect(prepared.sla.manualResponseSec).toBeGreaterThan(0)
    expect(understaffed.sla.manualResponseSec).toBeGreaterThan(prepared.sla.manualResponseSec * 2)
  }, 30_000)

  it('oversell-prone oversells through its stock-sync lag (PAY-3 payouts), prepared does not', async () => {
    const run = async (name: string) => {
      // outside the PAY-2 window (2020: Oct 29 – Nov 18), so payouts are automatic; the clock is
      // paused and moved by hand so the stock sync (every 5 sim min, 30 min lag) lands between bursts
      const pair = await startPair(loadProfile(name), {
        start: '2020-12-01T10:00:00+08:00',
        rate: 0,
        stock: 20,
        buyers: 31,
      })
      try {
        let accepted = 0
        // burst 1: the 20 physical units sell
        for (let i = 1; i <= 20; i++) if ((await buyAndPay(pair, i)).status === 201) accepted++
        // nothing left in either view before the merchant publishes again
        const beforeSync = await buyAndPay(pair, 31)
        await until(
          async () => (pair.merchant.merchant.snapshot().byType['order.paid'] ?? 0) >= 20,
          15_000,
          'the order.paid pushes',
        )
        await pair.call('POST', '/admin/clock/advance', { ms: 6 * 60_000 })
        // oversell-prone: the sync at +5 min publishes a view 30 min old, none of the 20 sales in it
        // (prepared publishes nothing: under `strict` the platform holds the count itself)
        if (name === 'oversell-prone')
          await until(async () => pair.merchant.merchant.snapshot().stockSyncs >= 1, 15_000, 'the stock sync')
        const published = (await pair.call('GET', '/admin/events?kind=stock.published')).body.rows as Array<{
          detail: string
        }>
        // burst 2: ten more buyers between syncs
        for (let i = 21; i <= 30; i++) if ((await buyAndPay(pair, i)).status === 201) accepted++
        // pickups at the 14:00 carrier wave, then past every 48 h deadline
        await pair.call('POST', '/admin/clock/advance', { ms: 4 * HOUR })
        await until(async () => pair.merchant.merchant.snapshot().pickups >= 20, 15_000, 'pickups')
        await pair.call('POST', '/admin/clock/advance', { ms: 50 * HOUR })
        const payouts = (await pair.call('GET', '/admin/events?table=payouts')).body.rows as Array<{
          cause: string
          rule_id: string
        }>
        return {
          accepted,
          beforeSync: beforeSync.status,
          published: published.map((p) => JSON.parse(p.detail) as { available: number; effective: boolean }),
          oversell: payouts.filter((p) => p.cause === 'oversell').length,
          oversellRules: [...new Set(payouts.filter((p) => p.cause === 'oversell').map((p) => p.rule_id))],
          late: payouts.filter((p) => p.cause === 'late_shipment').length,
          stats: pair.merchant.merchant.snapshot(),
        }
      } finally {
        await pair.close()
      }
    }
    const [prepared, prone] = await Promise.all([run('prepared'), run('oversell-prone')])
    expect(prepared.beforeSync).toBe(409)
    expect(prone.beforeSync).toBe(409)
    expect(prepared.published).toEqual([])
    expect(prone.published[0]).toEqual(expect.objectContaining({ available: 20, effective: true }))
    expect(prepared.accepted).toBe(20)
    expect(prepared.oversell).toBe(0)
    expect(prepared.late).toBe(0)
    expect(prone.accepted).toBe(30)
    expect(prone.stats.oversold).toBe(10)
    expect(prone.oversell).toBe(10)
    expect(prone.oversellRules).toEqual(['PAY-3'])
    expect(prone.late).toBe(0)
  }, 30_000)

  it('decides refunds on shipped orders and handles complaints within 48 h (PAY-5)', async () => {
    const pair = await startPair(loadProfile('prepared'), {
      start: '2020-12-01T13:50:00+08:00',
      rate: 3600,
      stock: 10,
      buyers: 3,
    })
    try {
      const ids: string[] = []
      for (let i = 1; i <= 3; i++) ids.push((await buyAndPay(pair, i)).orderId!)
      await until(async () => pair.merchant.merchant.snapshot().pickups >= 3, 15_000, 'pickups')
      const refund = await pair.call('POST', `/buyer/orders/${ids[0]}/refund`, { reason: 'changed my mind' })
      expect(refund.body.status).toBe('pending')
      const complaint = await pair.call('POST', `/buyer/orders/${ids[1]}/complaints`, { reason: 'other' })
      expect(complaint.body.status).toBe('open')
      await until(
        async () => {
          const s = pair.merchant.merchant.snapshot()
          return s.refundsDecided === 1 && s.complaintsHandled === 1
        },
        15_000,
        'refund decision and complaint handling',
      )
      const refunds = (await pair.call('GET', '/admin/events?kind=refund.approved')).body.rows
      expect(refunds).toHaveLength(1)
      const verdicts = (await pair.call('GET', '/admin/events?table=sla_verdicts&ruleId=PAY-5')).body
        .rows as Array<{
        ok: number
      }>
      expect(verdicts.map((v) => v.ok)).toEqual([1])
    } finally {
      await pair.close()
    }
  }, 30_000)
})
