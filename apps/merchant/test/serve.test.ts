import { tmpdir } from 'node:os'
import { loadProfile } from '@d11/merchant-model/profile'
import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { serve } from '../src/serve.ts'
import { buyerId, worldDir } from './harness.ts'

describe('serve (d11 serve)', () => {
  it('starts platform and merchant with a world, wires the webhooks, and shuts both down', async () => {
    const served = await serve({
      profile: loadProfile('prepared'),
      world: worldDir(),
      clockRate: 600,
      clockStart: '2020-11-11T00:00:00+08:00',
    })
    expect(served.world).toMatchObject({ merchants: 1, skus: 1, buyers: 3 })
    const res = await request(`${served.platformUrl}/buyer/consultations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ buyerId: buyerId(1), merchantId: 'm-000001', text: 'hi' }),
    })
    expect(res.statusCode).toBe(200)
    await res.body.dump()
    const deadline = Date.now() + 10_000
    while (served.merchant.merchant.snapshot().pushes < 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(served.merchant.merchant.snapshot().byType['consultation.message']).toBe(1)
    expect(served.merchant.merchant.stockLeft('s-00000001')).toBe(10)
    await served.close()
    await expect(request(`${served.merchantUrl}/health`)).rejects.toThrow()
    await expect(request(`${served.platformUrl}/admin/clock`)).rejects.toThrow()
  }, 20_000)

  it('draws each merchant a profile from the population mix and runs the platform by its stock policy', async () => {
    const served = await serve({
      world: worldDir(),
      population: { seed: 42, mix: [{ profile: 'oversell-prone', share: 1 }] },
      clockRate: 0,
      clockStart: '2020-11-11T00:00:00+08:00',
    })
    try {
      expect(Object.fromEntries(served.profiles)).toEqual({ 'oversell-prone': 1 })
      expect(served.merchant.merchant.profileOf('m-000001').name).toBe('oversell-prone')
      // a lagging merchant's publication is what the platform sells against (PAY-3)
      const res = await request(`${served.platformUrl}/merchant/m-000001/skus/s-00000001/stock`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ available: 3 }),
      })
      expect(res.statusCode).toBe(200)
      expect(await res.body.json()).toMatchObject({ policy: 'lagging', effective: true, sellable: 3 })
    } finally {
      await served.close()
    }
  }, 20_000)

  it('rejects a world directory that is not one, naming --world', async () => {
    await expect(serve({ profile: loadProfile('prepared'), world: tmpdir() })).rejects.toThrow(/--world/)
  })
})
