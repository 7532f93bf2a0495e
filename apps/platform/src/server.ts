import { buildApp } from './app.ts'
import { DEFAULT_CONFIG, type PlatformConfig } from './config.ts'

/** Listens only. Env: PORT (3000), HOST (127.0.0.1), D11_SPOOL_DIR, D11_RUN_ID, D11_CALENDAR, D11_CLOCK_START, D11_CLOCK_RATE, D11_OVERSELL. */
const env = process.env
const config: Partial<PlatformConfig> = {
  spoolDir: env.D11_SPOOL_DIR ?? DEFAULT_CONFIG.spoolDir,
  runId: env.D11_RUN_ID ?? DEFAULT_CONFIG.runId,
  calendar: (env.D11_CALENDAR as PlatformConfig['calendar']) ?? DEFAULT_CONFIG.calendar,
  clockStart: env.D11_CLOCK_START ?? DEFAULT_CONFIG.clockStart,
  clockRate: env.D11_CLOCK_RATE ? Number(env.D11_CLOCK_RATE) : DEFAULT_CONFIG.clockRate,
  oversellPolicy: (env.D11_OVERSELL as PlatformConfig['oversellPolicy']) ?? DEFAULT_CONFIG.oversellPolicy,
}
const app = await buildApp({ config, logger: env.D11_LOG === '1' })
const port = Number(env.PORT ?? 3000)
await app.listen({ port, host: env.HOST ?? '127.0.0.1' })
console.log(`d11 platform on http://${env.HOST ?? '127.0.0.1'}:${port} (docs at /docs)`)
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.once(sig, () => {
    // app.close() drains requests and flushes every accepted event to the spool.
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
