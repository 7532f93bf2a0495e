import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bundleWorker, contentKey, workerEntry } from '../src/worker-bundle.ts'
import { tempDir } from './helpers.ts'

describe('worker bundle', { timeout: 60_000 }, () => {
  it('starts workers from a prebuilt bundle, not through tsx', async () => {
    const url = await workerEntry()
    expect(url.pathname).toMatch(/node_modules\/\.cache\/d11-generator-worker\/worker-[0-9a-f]{24}\.mjs$/)
    // Source files keep their own import.meta.url inside the bundle (the rules find their calendars).
    const rulesData = new URL('../../rules/src/data-file.ts', import.meta.url).href
    expect(readFileSync(url, 'utf8')).toContain(JSON.stringify(rulesData))
  })

  it('builds once per content and reuses the bundle after', async () => {
    const cache = tempDir('bundle-cache')
    // Bundles of earlier sources: one left two hours ago goes, one from a minute ago stays.
    const stale = join(cache, 'worker-0123456789abcdef01234567.mjs')
    const recent = join(cache, 'worker-fedcba9876543210fedcba98.mjs')
    writeFileSync(stale, '')
    writeFileSync(recent, '')
    const twoHoursAgo = (Date.now() - 7_200_000) / 1000
    utimesSync(stale, twoHoursAgo, twoHoursAgo)
    const first = await bundleWorker(cache)
    expect(first.built).toBe(true)
    expect(existsSync(stale)).toBe(false)
    expect(existsSync(recent)).toBe(true)
    const builtAt = statSync(fileURLToPath(first.url)).mtimeMs
    const second = await bundleWorker(cache)
    expect(second).toEqual({ url: first.url, built: false })
    expect(statSync(fileURLToPath(second.url)).mtimeMs).toBe(builtAt)
    const inputs = JSON.parse(readFileSync(join(cache, 'inputs.json'), 'utf8')) as string[]
    expect(inputs.some((p) => p.endsWith('src/world.ts'))).toBe(true)
    expect(inputs.some((p) => p.includes('/rules/src/'))).toBe(true)
  })

  it('keys a bundle by the bytes of every input: one changed byte, another key', () => {
    const dir = tempDir('bundle-key')
    const a = join(dir, 'a.ts')
    const b = join(dir, 'b.ts')
    writeFileSync(a, 'export const a = 1\n')
    writeFileSync(b, 'export const b = 2\n')
    const key = contentKey([a, b])
    expect(key).toMatch(/^[0-9a-f]{24}$/)
    expect(contentKey([a, b])).toBe(key)
    writeFileSync(b, 'export const b = 3\n')
    expect(contentKey([a, b])).not.toBe(key)
    expect(contentKey([a, join(dir, 'gone.ts')])).toBeUndefined()
  })
})
