import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { baseWorld, closeApps, get, post, rows, worldApp } from './helpers.ts'

type App = Awaited<ReturnType<typeof buildApp>>
let app: App
afterEach(async () => {
  await closeApps()
  await app?.close()
})

describe('admin: clock', () => {
  it('sets start and rate, re-anchors on a rate change, advances and refuses going back', async () => {
    let wall = 0
    app = await buildApp({ docs: false, wall: () => wall })
    const set = await post(app, '/admin/clock', { start: '2020-11-11T00:00:00+08:00', rate: 60 })
    expect(set.body).toMatchObject({ simTime: '2020-11-11T00:00:00+08:00', rate: 60 })
    wall += 60_000
    expect((await get(app, '/admin/clock')).body.simTime).toBe('2020-11-11T01:00:00+08:00')
    await post(app, '/admin/clock', { rate: 0 })
    wall += 60_000
    expect((await get(app, '/admin/clock')).body.simTime).toBe('2020-11-11T01:00:00+08:00')
    const adv = await post(app, '/admin/clock/advance', { to: '2020-11-12T00:00:00+08:00' })
    expect(adv.body.simTime).toBe('2020-11-12T00:00:00+08:00')
    const back = await post(app, '/admin/clock/advance', { to: '2020-11-11T00:00:00+08:00' })
    expect(back.body).toMatchObject({ code: 'PLAT_ERR_CLOCK', field: 'body.to' })
    const noOffset = await post(app, '/admin/clock', { start: '2020-11-11T00:00:00' })
    expect(noOffset.body).toMatchObject({ code: 'PLAT_ERR_VALIDATION', field: 'body.start' })
  })
})

describe('admin: world', () => {
  it('loads a world directory and re-judges its registrations against their expected rejections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'd11-world-'))
    try {
      const byKind = new Map<string, unknown[]>()
      for (const l of baseWorld()) byKind.set(l.kind, [...(byKind.get(l.kind) ?? []), l.row])
      byKind.set('registrations', [
        {
          id: 'r-1',
          merchantId: 'm-1',
          skuId: 's-phone',
          node: 'wave1Spot',
          campaign: 'double11',
          tier: 'S1',
          submittedAt: '2020-09-18T10:00:00+08:00',
          campaignPriceFen: 500_000,
          crossStoreCoupon: true,
          expectedRejection: null,
        },
        {
          id: 'r-2',
          merchantId: 'm-1',
          skuId: 's-pre',
          node: 'wave2Spot',
          campaign: 'double11',
          tier: 'S1',
          submittedAt: '2020-09-18T10:00:00+08:00',
          campaignPriceFen: 90_000,
          crossStoreCoupon: true,
          expectedRejection: 'REG-1',
        },
        {
          id: 'r-3',
          merchantId: 'm-1',
          skuId: 's-phone',
          node: 'wave2Presale',
          campaign: 'double11',
          tier: 'S1',
          submittedAt: '2020-09-20T10:00:00+08:00',
          campaignPriceFen: 500_000,
          crossStoreCoupon: true,
          expectedRejection: 'REG-2',
        },
      ])
      for (const [k, list] of byKind)
        writeFileSync(join(dir, `${k}.ndjson`), `${list.map((r) => JSON.stringify(r)).join('\n')}\n`)
      const files = Object.fromEntries(
        [...byKind.keys()].map((k) => [k, { file: `${k}.ndjson`, sha256: '', bytes: 0 }]),
      )
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ format: 'ndjson', files }))
      app = await buildApp({ docs: false, config: { clockRate: 0 } })
      const r = await post(app, '/admin/world', { dir })
      expect(r.body).toEqual({
        merchants: 3,
        skus: 4,
        freeShippingViolations: 0,
        buyers: 2,
        registrations: { accepted: 1, rejected: 2, unexpected: 0 },
      })
      const missing = await post(app, '/admin/world', { dir: join(dir, 'nope') })
      expect(missing.body).toMatchObject({ code: 'PLAT_ERR_WORLD_LOAD', field: 'dir' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('rejects bad NDJSON naming the line, and reset drops the state', async () => {
    app = await worldApp()
    const bad = await app.inject({
      method: 'POST',
      url: '/admin/world',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: '{"kind":"merchants","row":{"id":"m-1"}}\n{"kind":"planets","row":{}}',
    })
    expect(bad.json()).toMatchObject({ code: 'PLAT_ERR_WORLD_LOAD', field: 'line 2.kind' })
    app = await worldApp()
    expect((await post(app, '/admin/reset')).body).toEqual({ ok: true })
    expect(
      (
        await post(app, '/buyer/cart/quote', {
          buyerId: 'b-1',
          kind: 'spot',
          items: [{ skuId: 's-phone', quantity: 1 }],
        })
      ).body.code,
    ).toBe('PLAT_ERR_NO_WORLD')
  })
})

describe('errors, overload and faults', () => {
  it('schema errors name the field; unknown routes are coded 404s', async () => {
    app = await worldApp()
    const r = await post(app, '/buyer/orders', {
      buyerId: 'b-1',
      kind: 'spot',
      items: [{ skuId: 's-phone', quantity: 0 }],
    })
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 'PLAT_ERR_VALIDATION', field: 'body.items.0.quantity' })
    const missing = await post(app, '/buyer/orders', { kind: 'spot', items: [] })
    expect(missing.body.field).toMatch(/^body\./)
    const nf = await get(app, '/nope')
    expect(nf).toMatchObject({ status: 404, body: { code: 'PLAT_ERR_NOT_FOUND', field: 'url' } })
  })

  it('a 500 never leaks internals', async () => {
    app = await buildApp({ docs: false })
    app.get('/boom', async () => {
      throw new Error('secret: password=hunter2 at /srv/db.ts:42')
    })
    const r = await app.inject({ method: 'GET', url: '/boom' })
    expect(r.statusCode).toBe(500)
    expect(r.json()).toEqual({ code: 'PLAT_ERR_INTERNAL', ruleId: '', field: '', message: 'internal error' })
    expect(r.body).not.toContain('hunter2')
  })

  it('bounded in-flight work: past maxInFlight the answer is 503 with Retry-After', async () => {
    app = await buildApp({ docs: false, config: { maxInFlight: 2 } })
    const slow = () =>
      app.inject({ method: 'GET', url: '/admin/health', headers: { 'x-d11-fault': 'latency=150ms' } })
    const replies = await Promise.all([slow(), slow(), slow(), slow()])
    const codes = replies.map((r) => r.statusCode).sort()
    expect(codes).toEqual([200, 200, 503, 503])
    const over = replies.find((r) => r.statusCode === 503)!
    expect(over.headers['retry-after']).toBe('1')
    expect(over.json().code).toBe('PLAT_ERR_OVERLOADED')
    // Capacity is released afterwards.
    expect((await get(app, '/admin/health')).body.inFlight).toBe(1)
  })

  it('/admin/health reports the pressure figures and the configured limits', async () => {
    app = await buildApp({ docs: false, config: { maxEventLoopDelayMs: 33, maxInFlight: 7 } })
    await new Promise((r) => setTimeout(r, 250)) // two pressure samples (pressureSampleMs 100)
    const { pressure } = (await get(app, '/admin/health')).body
    expect(pressure.limits).toEqual({ maxEventLoopDelayMs: 33, maxEventLoopUtilization: 0, maxInFlight: 7 })
    expect(pressure.shed).toBe(0)
    expect(pressure.overloaded).toBe(0)
    expect(pressure.heapUsedBytes).toBeGreaterThan(0)
    expect(pressure.rssBytes).toBeGreaterThan(pressure.heapUsedBytes)
    expect(pressure.eventLoopUtilization).toBeGreaterThanOrEqual(0)
    expect(pressure.eventLoopUtilization).toBeLessThanOrEqual(1)
  })

  it('fault injection: latency, a seeded error rate, and a clear error for a bad header', async () => {
    const run = async (seed: number) => {
      const a = await buildApp({ docs: false, config: { seed } })
      const codes = []
      for (let i = 0; i < 200; i++) {
        codes.push(
          (await a.inject({ method: 'GET', url: '/admin/health', headers: { 'x-d11-fault': 'error=0.25' } }))
            .statusCode,
        )
      }
      await a.close()
      return codes
    }
    const a = await run(7)
    expect(a).toEqual(await run(7))
    const errorsSeen = a.filter((c) => c === 503).length
    expect(errorsSeen).toBeGreaterThan(25)
    expect(errorsSeen).toBeLessThan(80)
    app = await buildApp({ docs: false })
    const bad = await app.inject({
      method: 'GET',
      url: '/admin/health',
      headers: { 'x-d11-fault': 'slow=yes' },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ code: 'PLAT_ERR_VALIDATION', field: 'headers.x-d11-fault' })
    // A delayed request started first finishes after an undelayed one started later.
    const done: string[] = []
    await Promise.all([
      app
        .inject({ method: 'GET', url: '/admin/health', headers: { 'x-d11-fault': 'latency=100ms' } })
        .then(() => done.push('slow')),
      app.inject({ method: 'GET', url: '/admin/health' }).then(() => done.push('fast')),
    ])
    expect(done).toEqual(['fast', 'slow'])
  })

  it('serves the OpenAPI document generated from the route schemas at /docs', async () => {
    app = await buildApp()
    const doc = (await get(app, '/docs/json')).body
    expect(doc.openapi).toMatch(/^3\./)
    expect(Object.keys(doc.paths)).toContain('/buyer/orders')
    expect(doc.paths['/merchant/{merchantId}/registrations'].post.requestBody).toBeDefined()
    expect(doc.paths['/buyer/orders'].post.responses['201']).toBeDefined()
  })

  it('app.close() flushes every buffered row to the spool (SpoolWriter segments)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'd11-spool-'))
    try {
      app = await worldApp({ at: '2020-11-01T10:00:00+08:00', config: { spoolDir: dir } })
      for (let i = 0; i < 3; i++)
        await post(app, '/buyer/orders', {
          buyerId: 'b-1',
          kind: 'spot',
          items: [{ skuId: 's-phone', quantity: 1 }],
        })
      const count = (await rows(app, 'limit=20000')).length
      await app.close()
      const files = readdirSync(dir).filter((f) => f.endsWith('.ndjson'))
      const lines = files.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
      expect(lines).toHaveLength(count)
      expect(lines.filter((l) => JSON.parse(l).row.kind === 'order.placed')).toHaveLength(3)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
