/**
 * Child process of bench/index.ts and test/overload.test.ts: `bare` (one trivial Fastify route) or
 * `platform` with a world; argv[3], when given, is a JSON object of config overrides
 * (e.g. `{"spoolDir":"/tmp/s","maxEventLoopDelayMs":20}`).
 */
import Fastify from 'fastify'
import { buildApp } from '../src/app.ts'
import type { PlatformConfig } from '../src/config.ts'
import { baseWorld, ndjson, sku } from '../test/helpers.ts'

const mode = process.argv[2]
let app: Awaited<ReturnType<typeof buildApp>>
if (mode === 'bare') {
  app = Fastify() as unknown as typeof app
  app.post('/bare', async () => ({ ok: true }))
} else {
  app = await buildApp({
    docs: false,
    config: {
      clockRate: 0,
      clockStart: '2020-11-01T10:00:00+08:00',
      maxInFlight: 100_000,
      ...(JSON.parse(process.argv[3] ?? '{}') as Partial<PlatformConfig>),
    },
  })
  const lines: unknown[] = [...baseWorld()]
  for (let i = 0; i < 1000; i++)
    lines.push({ kind: 'skus', row: sku(`s-b${i}`, 'm-1', { listPriceFen: 9_900 + i, stock: 10_000_000 }) })
  await app.ready()
  await app.inject({
    method: 'POST',
    url: '/admin/world',
    headers: { 'content-type': 'application/x-ndjson' },
    payload: ndjson(lines),
  })
}
await app.listen({ port: 0, host: '127.0.0.1' })
const addr = app.server.address()
process.send?.({ port: typeof addr === 'object' && addr ? addr.port : 0 })
// 'cpu' → this process's CPU time so far; 'stats' → the platform's server-side latency figures
// (socket read to reply, group-commit wait); anything else stops the server.
process.on('message', async (m) => {
  if (m === 'cpu') return void process.send?.({ cpu: process.cpuUsage() })
  if (m === 'stats') {
    const stats =
      mode === 'bare' ? {} : { ...app.pressure(), commitWaitMs: app.d11.sink.commitWait.summary() }
    return void process.send?.({ stats })
  }
  await app.close()
  process.exit(0)
})
