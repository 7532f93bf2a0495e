import { mkdtempSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateWorld } from '@d11/generator/generate'
import { buildMerchantApp } from '@d11/merchant/app'
import { loadProfile } from '@d11/merchant-model/profile'
import { buildApp } from '@d11/platform/app'

/** A tiny 2022 world on disk plus the platform and one merchant service on real ports. */
export async function startStack() {
  const dir = mkdtempSync(join(tmpdir(), 'd11-scenarios-'))
  const world = join(dir, 'world')
  await generateWorld({ seed: 42, scale: 'tiny', calendar: '2022', out: world })
  const platform = await buildApp({ config: { calendar: '2022' }, docs: false })
  await platform.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(platform.server.address() as AddressInfo).port}`
  const merchant = await buildMerchantApp({ profile: loadProfile('prepared'), platformUrl: baseUrl })
  await merchant.listen({ port: 0, host: '127.0.0.1' })
  const merchantUrl = `http://127.0.0.1:${(merchant.server.address() as AddressInfo).port}`
  return {
    dir,
    world,
    baseUrl,
    merchantUrl,
    close: async () => {
      await merchant.close()
      await platform.close()
    },
  }
}

/**
 * The env every scenario reads, against a started stack: one simulated hour in 2 s
 * (`COMPRESS=1800`), the run id, and the test's own settings (`PEAK_RPS`, …).
 */
export function stackEnv(
  stack: Awaited<ReturnType<typeof startStack>>,
  runId: string,
  settings: Record<string, string>,
): Record<string, string> {
  return {
    BASE_URL: stack.baseUrl,
    MERCHANT_URL: stack.merchantUrl,
    DATA_DIR: stack.world,
    COMPRESS: '1800',
    ...settings,
    RUN_ID: runId,
  }
}
