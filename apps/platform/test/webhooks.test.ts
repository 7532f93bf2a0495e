import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { baseWorld, closeApps, ndjson, paidOrder, post, rows, setClock, worldApp } from './helpers.ts'

type App = Awaited<ReturnType<typeof worldApp>>
let app: App
let server: Server
afterEach(async () => {
  await closeApps()
  await new Promise((r) => server?.close(r))
})

async function receiver(failFirst: number) {
  const got: Array<{ headers: IncomingMessage['headers']; body: Record<string, unknown> }> = []
  let calls = 0
  server = createServer((req, res) => {
    let data = ''
    req.on('data', (c) => {
      data += c
    })
    req.on('end', () => {
      calls += 1
      got.push({ headers: req.headers, body: JSON.parse(data) })
      res.statusCode = calls <= failFirst ? 500 : 204
      res.end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, got }
}

describe('webhooks', () => {
  it('pushes order.paid, consultation.message, refund.requested and complaint.filed with the envelope', async () => {
    const r = await receiver(0)
    app = await worldApp({ at: '2020-11-01T10:00:00+08:00', config: { webhookBackoffMs: 10 } })
    expect((await post(app, '/admin/webhooks', { merchantId: 'm-1', url: r.url })).body.updated).toBe(1)
    const id = await paidOrder(app)
    await post(app, '/buyer/consultations', { buyerId: 'b-1', merchantId: 'm-1', orderId: id, text: 'when?' })
    await post(app, `/merchant/m-1/orders/${id}/pickup`)
    await post(app, `/buyer/orders/${id}/refund`, {})
    await post(app, `/buyer/orders/${id}/complaints`, { reason: 'other' })
    await vi.waitFor(() => expect(r.got).toHaveLength(4), { timeout: 5_000 })
    const types = r.got.map((g) => g.body.type).sort()
    expect(types).toEqual(['complaint.filed', 'consultation.message', 'order.paid', 'refund.requested'])
    const paid = r.got.find((g) => g.body.type === 'order.paid')!
    expect(paid.body).toMatchObject({ merchantId: 'm-1', simTime: Date.parse('2020-11-01T10:00:00+08:00') })
    expect((paid.body.data as { id: string }).id).toBe(id)
    expect(paid.headers['x-d11-delivery']).toBe(paid.body.id)
    await vi.waitFor(async () => expect(await rows(app, 'kind=webhook.acked')).toHaveLength(4))
  })

  it('retries with backoff until acked, keeping the delivery id, and records latency', async () => {
    const r = await receiver(2)
    app = await worldApp({ at: '2020-11-01T10:00:00+08:00', config: { webhookBackoffMs: 10 } })
    await post(app, '/admin/webhooks', { merchantId: '*', url: r.url })
    await paidOrder(app)
    await vi.waitFor(() => expect(r.got).toHaveLength(3), { timeout: 5_000 })
    expect(new Set(r.got.map((g) => g.body.id)).size).toBe(1)
    await vi.waitFor(async () => expect(await rows(app, 'kind=webhook.acked')).toHaveLength(1))
    const acked = JSON.parse((await rows(app, 'kind=webhook.acked'))[0]!.detail as string)
    expect(acked).toMatchObject({ attempt: 3, status: 204, type: 'order.paid' })
    expect(typeof acked.latencyMs).toBe('number')
    expect(await rows(app, 'kind=webhook.retry')).toHaveLength(2)
  })

  it('gives up after the last attempt and records the failure', async () => {
    const r = await receiver(100)
    app = await worldApp({
      at: '2020-11-01T10:00:00+08:00',
      config: { webhookBackoffMs: 5, webhookAttempts: 3 },
    })
    await post(app, '/admin/webhooks', { merchantId: 'm-1', url: r.url })
    await paidOrder(app)
    await vi.waitFor(async () => expect(await rows(app, 'kind=webhook.failed')).toHaveLength(1), {
      timeout: 5_000,
    })
    expect(r.got).toHaveLength(3)
  })

  it('keeps webhook overrides across a world reload (a k6 setup() reloads the world)', async () => {
    const r = await receiver(0)
    app = await worldApp({ at: '2020-11-01T10:00:00+08:00', config: { webhookBackoffMs: 10 } })
    await post(app, '/admin/webhooks', { merchantId: '*', url: r.url })
    const reload = await app.inject({
      method: 'POST',
      url: '/admin/world',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: ndjson(baseWorld()),
    })
    expect(reload.statusCode).toBe(200)
    await setClock(app, '2020-11-01T10:00:00+08:00')
    const id = await paidOrder(app)
    await vi.waitFor(() => expect(r.got.map((g) => (g.body.data as { id: string }).id)).toContain(id), {
      timeout: 5_000,
    })
  })
})
