import { loadProfile } from '@d11/merchant-model/profile'
import { buildMerchantApp } from './app.ts'

/**
 * Listens only. Env: PLATFORM_URL (http://127.0.0.1:3000), PORT (4000), HOST (127.0.0.1),
 * D11_PROFILE (prepared), D11_SET (comma-separated path=value overrides), D11_JOURNAL (path).
 */
const env = process.env
const profile = loadProfile(env.D11_PROFILE ?? 'prepared', {
  set: (env.D11_SET ?? '').split(',').filter(Boolean),
})
const app = await buildMerchantApp({
  profile,
  platformUrl: env.PLATFORM_URL ?? 'http://127.0.0.1:3000',
  ...(env.D11_JOURNAL ? { journalPath: env.D11_JOURNAL } : {}),
  logger: env.D11_LOG === '1',
})
const host = env.HOST ?? '127.0.0.1'
const port = Number(env.PORT ?? 4000)
await app.listen({ port, host })
console.log(`d11 merchant (${profile.name}) on http://${host}:${port}/webhooks`)
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.once(sig, () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
