// The k6 finder's order: K6_BIN, then k6 on PATH, then ../shared/tools/k6 beside the checkout.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findK6, k6Version } from '../src/find-k6.ts'

const root = mkdtempSync(join(tmpdir(), 'd11-find-k6-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** An executable stand-in that answers `version` like k6 does. */
function fakeK6(dir: string, version: string): string {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'k6')
  writeFileSync(file, `#!/bin/sh\necho "k6 ${version} (fake)"\n`)
  chmodSync(file, 0o755)
  return file
}

const checkout = join(root, 'checkout')
mkdirSync(checkout)
const shared = fakeK6(join(root, 'shared', 'tools'), 'v0.49.0')
const onPath = fakeK6(join(root, 'bin'), 'v1.0.0')
const explicit = fakeK6(join(root, 'opt'), 'v0.52.0')

describe('findK6', () => {
  it('takes K6_BIN first', () => {
    const env = { K6_BIN: explicit, PATH: join(root, 'bin') }
    expect(findK6({ env, repoRoot: checkout })).toEqual({ path: explicit, source: 'K6_BIN' })
  })

  it('then k6 on PATH, skipping folders without one', () => {
    const env = { PATH: [join(root, 'nothing'), join(root, 'bin')].join(':') }
    expect(findK6({ env, repoRoot: checkout })).toEqual({ path: onPath, source: 'PATH' })
  })

  it('then ../shared/tools/k6 beside the checkout', () => {
    expect(findK6({ env: { PATH: '' }, repoRoot: checkout })).toEqual({ path: shared, source: 'shared' })
  })

  it('finds none when none is there', () => {
    const lonely = join(root, 'elsewhere', 'checkout')
    mkdirSync(lonely, { recursive: true })
    expect(findK6({ env: { PATH: join(root, 'nothing') }, repoRoot: lonely })).toBeUndefined()
  })

  it('refuses a K6_BIN that names no executable file instead of picking another k6', () => {
    const notExecutable = join(root, 'k6.txt')
    writeFileSync(notExecutable, 'not a binary')
    expect(() => findK6({ env: { K6_BIN: notExecutable, PATH: join(root, 'bin') } })).toThrow(
      `K6_BIN=${notExecutable} is not an executable file`,
    )
  })

  it('k6Version reads the first line of `k6 version`, and says why when it cannot', () => {
    expect(k6Version(shared)).toBe('k6 v0.49.0 (fake)')
    expect(k6Version(join(root, 'k6.txt'))).toMatch(/^version unknown \(/)
  })
})
