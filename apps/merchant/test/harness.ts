import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Profile } from '@d11/merchant-model/profile'
import { buildApp } from '@d11/platform/app'
import { buyer, merchant, sku } from '@d11/platform/testing'
import type { FastifyInstance } from 'fastify'
import { request } from 'undici'
import { buildMerchantApp, type MerchantAppOptions } from '../src/app.ts'
import { platformConfigFor } from '../src/platform-config.ts'

/** A one-merchant world: shop m-000001 with SKU s-00000001 (`stock` units) and `buyers` buyers. */
export function tinyWorld(stock: number, buyers: number): string {
  const shop = merchant('m-000001', { name: 'reference shop' })
  const item = sku('s-00000001', shop.id, { title: 'phone', listPriceFen: 199_900, stock })
  const lines: unknown[] = [
    { kind: 'merchants', row: shop },
    { kind: 'skus', row: item },
  ]
  for (let i = 1; i <= buyers; i++) {
    const b = { ...buyer(`b-${String(i).padStart(8, '0')}`), name: `buyer ${i}` }
    lines.push({ kind: 'buyers', row: b })
  }
  return lines.map((l) => JSON.stringify(l)).join('\n')
}

/** The tiny world as a world directory (manifest + one NDJSON file per kind). */
export function worldDir(stock = 10, buyers = 3): string {
  const dir = mkdtempSync(join(tmpdir(), 'd11-world-'))
  const byKind = new Map<string, string[]>()
  for (const line of tinyWorld(stock, buyers).split('\n')) {
    const { kind, row } = JSON.parse(line) as { kind: string; row: unknown }
    byKind.set(kind, [...(byKind.get(kind) ?? []), JSON.stringify(row)])
  }
  for (const [kind, rows] of byKind) writeFileSync(join(dir, `${kind}.ndjson`), `${rows.join('\n')}\n`)
  const files = Object.fromEntries(
    [...byKind.keys()].map((k) => [k, { file: `${k}.ndjson`, sha256: '', bytes: 0 }]),
  )
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({ seed: 1, scale: 'test', format: 'ndjson', files }),
  )
  return dir
}

export const buyerId = (i: number) => `b-${String(i).padStart(8, '0')}`

/** A JSON reply of the platform: tests read the fields they assert on. */
// biome-ignore lint/suspicious/noExplicitAny: replies of many route shapes, asserted field by field
export type Json = any

export interface Pair {
  platform: FastifyInstance
  merchant: FastifyInstance
  platformUrl: string
  merchantUrl: string
  /** restart the merchant on the same port (same options) */
  restartMerchant: () => Promise<void>
  stopMerchant: () => Promise<void>
  call: (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<{ status: number; body: Json }>
  close: () => Promise<void>
}

/** Platform and merchant on real ports (port 0), the platform configured from the profile. */
export async function startPair(
  profile: Profile,
  opts: {
    start: string
    rate: number
    stock: number
    buyers: number
    merchant?: Partial<MerchantAppOptions>
  },
): Promise<Pair> {
  const platform = await buildApp({
    docs: false,
    config: {
      ...platformConfigFor(profile),
      clockStart: opts.start,
      clockRate: opts.rate,
      webhookAttempts: 10,
      webhookBackoffMs: 100,
    },
  })
  await platform.listen({ port: 0, host: '127.0.0.1' })
  const platformUrl = `http://127.0.0.1:${(platform.server.address() as { port: number }).port}`
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await request(`${platformUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.statusCode, body: (await res.body.json()) as Json }
  }
  const world = await request(`${platformUrl}/admin/world`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: tinyWorld(opts.stock, opts.buyers),
  })
  if (world.statusCode !== 200) throw new Error(`world load failed: ${await world.body.text()}`)
  await world.body.dump()
  const mopts: MerchantAppOptions = {
    profile,
    platformUrl,
    clockPollMs: 50,
    stock: [['s-00000001', opts.stock]],
    ...opts.merchant,
  }
  let merchant = await buildMerchantApp(mopts)
  await merchant.listen({ port: 0, host: '127.0.0.1' })
  const port = (merchant.server.address() as { port: number }).port
  const merchantUrl = `http://127.0.0.1:${port}`
  const hook = await call('POST', '/admin/webhooks', { merchantId: '*', url: `${merchantUrl}/webhooks` })
  if (hook.status !== 200) throw new Error(`webhook setup failed: ${JSON.stringify(hook.body)}`)
  let running = true
  const pair: Pair = {
    platform,
    merchant,
    platformUrl,
    merchantUrl,
    call,
    stopMerchant: async () => {
      if (running) await merchant.close()
      running = false
    },
    restartMerchant: async () => {
      merchant = await buildMerchantApp(mopts)
      await merchant.listen({ port, host: '127.0.0.1' })
      pair.merchant = merchant
      running = true
    },
    close: async () => {
      if (running) await merchant.close()
      await platform.close()
    },
  }
  return pair
}

/** Place and pay a one-unit spot order for buyer `i`; returns the order (or the rejection). */
export async function buyAndPay(pair: Pair, i: number): Promise<{ status: number; orderId?: string }> {
  const placed = await pair.call('POST', '/buyer/orders', {
    buyerId: buyerId(i),
    kind: 'spot',
    items: [{ skuId: 's-00000001', quantity: 1 }],
  })
  if (placed.status !== 201) return { status: placed.status }
  const orderId = placed.body.orders[0].id as string
  const paid = await pair.call('POST', `/buyer/orders/${orderId}/pay`, { stage: 'spot' })
  if (paid.status !== 200) throw new Error(`pay failed: ${JSON.stringify(paid.body)}`)
  return { status: 201, orderId }
}

/** Poll `check` until it returns true (or fail after `wallMs`). */
export async function until(check: () => Promise<boolean>, wallMs: number, what: string): Promise<void> {
  const deadline = Date.now() + wallMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}
