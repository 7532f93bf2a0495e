import { afterAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { baseWorld, ndjson, paidOrder } from './helpers.ts'

type App = Awaited<ReturnType<typeof buildApp>>
let app: App
afterAll(async () => app?.close())

/** Querystrings arrive as text on a real socket: numeric parameters are coerced, bad ones named. */
describe('querystring coercion on a real port', () => {
  it('GET /merchant/:id/orders?limit=&offset= and /admin/events?limit= take integers given as text', async () => {
    app = await buildApp({ docs: false, config: { clockRate: 0, clockStart: '2020-11-01T10:00:00+08:00' } })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    const world = await fetch(`${base}/admin/world`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: ndjson(baseWorld()),
    })
    expect(world.status).toBe(200)
    for (let i = 0; i < 3; i++) await paidOrder(app)

    const all = await fetch(`${base}/merchant/m-1/orders?limit=100`)
    expect(all.status).toBe(200)
    expect(((await all.json()) as { total: number }).total).toBe(3)
    const page = await fetch(`${base}/merchant/m-1/orders?status=paid&offset=1&limit=1`)
    expect(page.status).toBe(200)
    const body = (await page.json()) as { orders: unknown[]; total: number }
    expect(body.orders).toHaveLength(1)
    expect(body.total).toBe(3)

    const events = await fetch(`${base}/admin/events?kind=order.paid&limit=2`)
    expect(events.status).toBe(200)
    expect(((await events.json()) as { rows: unknown[] }).rows).toHaveLength(2)

    const bad = await fetch(`${base}/merchant/m-1/orders?limit=many`)
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ code: 'PLAT_ERR_VALIDATION', field: 'querystring.limit' })
    const tooBig = await fetch(`${base}/admin/events?limit=20001`)
    expect(tooBig.status).toBe(400)
    expect(((await tooBig.json()) as { field: string }).field).toBe('querystring.limit')
  })
})
