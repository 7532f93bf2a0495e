import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadProfile } from '@d11/merchant-model/profile'
import { SimClock } from '@d11/time/sim-clock'
import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { buildMerchantApp } from '../src/app.ts'
import { MerchantService } from '../src/service.ts'
import { buyAndPay, startPair, until } from './harness.ts'

const T0 = Date.parse('2020-12-01T10:00:00+08:00')

function paid(id: string, orderId: string) {
  return {
    id,
    type: 'order.paid',
    merchantId: 'm-000001',
    simTime: T0,
    wallTime: 0,
    data: {
      id: orderId,
      merchantId: 'm-000001',
      skuId: 's-00000001',
      quantity: 1,
      paidFen: 199_900,
      status: 'paid',
      paidAt: '2020-12-01T10:00:00+08:00',
      shipBy: '2020-12-03T10:00:00+08:00',
      oversold: false,
    },
  }
}

describe('push delivery', () => {
  it('acknowledges a repeated delivery id as a no-op', async () => {
    // a paused clock (rate 0): nothing fires, only acceptance is observed
    const app = await buildMerchantApp({
      profile: loadProfile('prepared'),
      platformUrl: 'http://127.0.0.1:9',
      clock: SimClock.fromReading({ simTimeMs: T0, rate: 0 }),
      dryRun: true,
    })
    try {
      const first = await app.inject({ method: 'POST', url: '/webhooks', payload: paid('d-1', 'o-1') })
      const again = await app.inject({ method: 'POST', url: '/webhooks', payload: paid('d-1', 'o-1') })
      expect(first.json()).toEqual({ ok: true, duplicate: false })
      expect(again.json()).toEqual({ ok: true, duplicate: true })
      const stats = app.merchant.snapshot()
      expect(stats.pushes).toBe(1)
      expect(stats.duplicates).toBe(1)
      expect(stats.openOrders).toBe(1)
      expect(stats.pendingActions).toBe(1)
    } finally {
      await app.close()
    }
  })

  it('remembers at least the latest `dedupWindow` delivery ids', () => {
    const service = new MerchantService({
      profile: loadProfile('prepared'),
      clock: SimClock.fromReading({ simTimeMs: T0, rate: 0 }),
      client: null,
      dedupWindow: 2,
    })
    const push = (id: string) =>
      service.accept(paid(id, `o-${id}`) as Parameters<MerchantService['accept']>[0])
    expect(['a', 'b', 'c'].map((id) => push(id).duplicate)).toEqual([false, false, false])
    expect(push('a').duplicate).toBe(true)
    expect(push('c').duplicate).toBe(true)
    push('d')
    push('e')
    expect(push('a').duplicate).toBe(false)
  })

  it('rejects a malformed push naming the field', async () => {
    const app = await buildMerchantApp({
      profile: loadProfile('prepared'),
      platformUrl: 'http://127.0.0.1:9',
      clock: SimClock.fromReading({ simTimeMs: T0, rate: 0 }),
      dryRun: true,
    })
    try {
      const body = paid('d-2', 'o-2')
      body.data.quantity = 0
      const res = await app.inject({ method: 'POST', url: '/webhooks', payload: body })
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('MERCH_ERR_PUSH_INVALID')
      expect(res.json().message).toMatch(/quantity|type/)
      const unknown = await app.inject({
        method: 'POST',
        url: '/webhooks',
        payload: { ...paid('d-3', 'o-3'), type: 'order.lost' },
      })
      expect(unknown.statusCode).toBe(400)
    } finally {
      await app.close()
    }
  })

  it('survives a merchant restart mid-run: retried pushes arrive, journaled ones are not lost', async () => {
    const journalPath = join(mkdtempSync(join(tmpdir(), 'd11-merchant-')), 'journal.ndjson')
    // a paused clock keeps the first orders unpicked across the restart
    const pair = await startPair(loadProfile('prepared'), {
      start: '2020-12-01T13:58:00+08:00',
      rate: 0,
      stock: 100,
      buyers: 20,
      merchant: { journalPath },
    })
    try {
      for (let i = 1; i <= 10; i++) expect((await buyAndPay(pair, i)).status).toBe(201)
      await until(async () => pair.merchant.merchant.snapshot().pushes >= 10, 5_000, 'first pushes')
      await pair.stopMerchant()
      // while the merchant is down, pushes fail and the platform retries them with backoff
      for (let i = 11; i <= 20; i++) expect((await buyAndPay(pair, i)).status).toBe(201)
      await new Promise((r) => setTimeout(r, 300))
      await pair.restartMerchant()
      // run the clock: the 14:00 carrier wave comes within a wall second
      await pair.call('POST', '/admin/clock', { rate: 14_400 })
      await until(
        async () => {
          const { orders } = (await pair.call('GET', '/merchant/m-000001/orders')).body
          return orders.filter((o: { status: string }) => o.status === 'picked_up').length === 20
        },
        15_000,
        'all 20 orders picked up',
      )
      const retries = (await pair.call('GET', '/admin/events?kind=webhook.retry')).body.rows.length
      expect(retries).toBeGreaterThan(0)
      const stats = pair.merchant.merchant.snapshot()
      // 10 replayed from the journal + 10 delivered after the restart, each exactly once
      expect(stats.pushes).toBe(20)
      expect(stats.pickups).toBe(20)
    } finally {
      await pair.close()
    }
  }, 30_000)
})

describe('contract document', () => {
  it('serves the OpenAPI document generated from the schemas', async () => {
    const app = await buildMerchantApp({
      profile: loadProfile('prepared'),
      platformUrl: 'http://127.0.0.1:9',
      clock: SimClock.fromReading({ simTimeMs: T0, rate: 0 }),
      dryRun: true,
    })
    try {
      await app.listen({ port: 0, host: '127.0.0.1' })
      const port = (app.server.address() as { port: number }).port
      const res = await request(`http://127.0.0.1:${port}/openapi.json`)
      const doc = (await res.body.json()) as { openapi: string; paths: Record<string, { post?: unknown }> }
      expect(doc.openapi).toMatch(/^3\./)
      const schema = JSON.stringify(doc.paths['/webhooks']?.post)
      for (const type of ['order.paid', 'consultation.message', 'refund.requested', 'complaint.filed']) {
        expect(schema).toContain(type)
      }
    } finally {
      await app.close()
    }
  })
})

describe('openapi.json', () => {
  it('is the document generated from the current schemas (run `pnpm --filter @d11/merchant openapi`)', async () => {
    const { readFileSync } = await import('node:fs')
    const { webhookOpenApi } = await import('../src/openapi.ts')
    const file = new URL('../openapi.json', import.meta.url)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(await webhookOpenApi())
  })
})
