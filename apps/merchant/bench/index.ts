/**
 * Merchant service benchmark (`pnpm --filter @d11/merchant bench`):
 * 1. pushes handled per second over HTTP (schema validation, de-duplication, model, scheduling),
 *    as a ratio against a bare Fastify route taking the same bodies in the same run;
 * 2. memory per 100k open orders (accepted, planned, not yet picked up).
 * The clock is paused (rate 0) so no platform call is made: this measures the merchant side only.
 * Rounds alternate baseline and merchant so machine load hits both alike; the reported ratio is the
 * median of the per-round ratios, the rates are medians too.
 * Env: BENCH_PUSHES per round (default 6000), BENCH_ROUNDS (default 7), BENCH_CONCURRENCY (default 64).
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { loadProfile } from '@d11/merchant-model/profile'
import { SimClock } from '@d11/time/sim-clock'
import Fastify from 'fastify'
import { Pool } from 'undici'
import { buildMerchantApp } from '../src/app.ts'
import { MerchantService } from '../src/service.ts'

const PUSHES = Number(process.env.BENCH_PUSHES ?? 6_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64)
const T0 = Date.parse('2020-11-11T00:00:00+08:00')

function envelope(i: number) {
  const merchantId = `m-${String((i % 50) + 1).padStart(6, '0')}`
  if (i % 3 === 2) {
    return {
      id: `d-${i}`,
      type: 'consultation.message',
      merchantId,
      simTime: T0 + i,
      wallTime: 0,
      data: { consultationId: `q-${i}`, buyerId: `b-${i}`, orderId: '', text: 'Is the coupon stackable?' },
    }
  }
  return {
    id: `d-${i}`,
    type: 'order.paid',
    merchantId,
    simTime: T0 + i,
    wallTime: 0,
    data: {
      id: `o-${i}`,
      checkoutId: `c-${i}`,
      buyerId: `b-${i}`,
      merchantId,
      skuId: `s-${i % 1000}`,
      quantity: 1,
      region: 'Zhejiang',
      kind: 'spot',
      wave: 2,
      unitPriceFen: 199_900,
      couponFen: 4000,
      payableFen: 195_900,
      depositFen: 0,
      paidFen: 195_900,
      status: 'paid',
      createdAt: '2020-11-11T00:00:00+08:00',
      paidAt: '2020-11-11T00:00:01+08:00',
      shipBy: '2020-11-13T00:00:01+08:00',
      pickedUpAt: null,
      late: false,
      oversold: false,
      compensatedFen: 0,
    },
  }
}

async function drive(url: string, path: string, round: number): Promise<number> {
  const pool = new Pool(url, { connections: CONCURRENCY })
  // fresh delivery ids per round: every push is new work, none a duplicate
  const bodies = Array.from({ length: PUSHES }, (_, i) => JSON.stringify(envelope(round * PUSHES + i)))
  let next = 0
  let failed = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < PUSHES; i = next++) {
        const res = await pool.request({
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json' },
          body: bodies[i],
        })
        await res.body.dump()
        if (res.statusCode !== 200) failed++
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  await pool.close()
  if (failed) throw new Error(`${failed} pushes failed`)
  return PUSHES / seconds
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

async function throughput(): Promise<void> {
  const bare = Fastify()
  bare.post('/webhooks', async () => ({ ok: true, duplicate: false }))
  await bare.listen({ port: 0, host: '127.0.0.1' })
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`
  const merchant = await buildMerchantApp({
    profile: loadProfile('prepared'),
    platformUrl: 'http://127.0.0.1:9',
    clock: SimClock.fromReading({ simTimeMs: T0, rate: 0 }),
    dryRun: true,
  })
  await merchant.listen({ port: 0, host: '127.0.0.1' })
  const merchantUrl = `http://127.0.0.1:${(merchant.server.address() as { port: number }).port}`
  await drive(bareUrl, '/webhooks', ROUNDS) // warm-up
  const bases: number[] = []
  const mine: number[] = []
  const ratios: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const b = await drive(bareUrl, '/webhooks', round)
    const m = await drive(merchantUrl, '/webhooks', round)
    bases.push(b)
    mine.push(m)
    ratios.push(m / b)
  }
  const baseline = median(bases)
  const ours = median(mine)
  const ratio = median(ratios)
  const stats = merchant.merchant.snapshot()
  await merchant.close()
  await bare.close()
  console.log(
    `pushes: ${PUSHES} per round, ${ROUNDS} alternating rounds (medians), concurrency ${CONCURRENCY}, node ${process.version}`,
  )
  console.log(`bare Fastify route (baseline)   ${baseline.toFixed(0).padStart(8)} req/s   1.00×`)
  console.log(
    `merchant POST /webhooks         ${ours.toFixed(0).padStart(8)} req/s   ${ratio.toFixed(2)}×  (ratio range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; ${stats.pushes} accepted, ${stats.pendingActions} actions scheduled)`,
  )
}

function memory(): void {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const N = 100_000
  const envelopes = Array.from({ length: N }, (_, i) => envelope(i * 3))
  gc()
  const before = process.memoryUsage().heapUsed
  const service = new MerchantService({
    profile: loadProfile('prepared'),
    clock: SimClock.fromReading({ simTimeMs: T0, rate: 0 }),
    client: null,
  })
  for (const e of envelopes) service.accept(e as Parameters<MerchantService['accept']>[0])
  gc()
  const after = process.memoryUsage().heapUsed
  const open = service.snapshot().openOrders
  // baseline: the same 100k order ids held in a bare Map
  gc()
  const b0 = process.memoryUsage().heapUsed
  const bareMap = new Map(envelopes.map((e) => [e.data.id, e.merchantId]))
  gc()
  const b1 = process.memoryUsage().heapUsed
  console.log(
    `memory per 100k open orders     ${((after - before) / 2 ** 20).toFixed(1).padStart(8)} MiB      ${((after - before) / (b1 - b0)).toFixed(1)}× a bare Map of the order ids (${((b1 - b0) / 2 ** 20).toFixed(1)} MiB); ${open} open`,
  )
  if (bareMap.size !== N || open !== N) throw new Error('unexpected open-order count')
}

await throughput()
memory()
