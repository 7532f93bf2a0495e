import { execFileSync } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Where a k6 binary was found, in the order they are tried. */
export type K6Source = 'K6_BIN' | 'PATH' | 'shared'

export interface FoundK6 {
  /** absolute path of the binary */
  path: string
  source: K6Source
}

export interface FindK6Options {
  /** @default process.env */
  env?: Record<string, string | undefined>
  /** the checkout whose `../shared/tools/k6` is tried last @default this repository's root */
  repoRoot?: string
}

/** This checkout's root: packages/k6-runner/src → three folders up. */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))

function runnable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/**
 * The k6 binary `d11 load`, `d11 run` and the tests use: `K6_BIN`, then `k6` on PATH, then
 * `../shared/tools/k6` beside the checkout (CI has it; a user's clone does not). A `K6_BIN` that
 * names no runnable file is an error, not a reason to pick another k6.
 */
export function findK6(opts: FindK6Options = {}): FoundK6 | undefined {
  const env = opts.env ?? process.env
  const fromEnv = env.K6_BIN
  if (fromEnv) {
    const path = resolve(fromEnv)
    if (!runnable(path)) throw new Error(`K6_BIN=${fromEnv} is not an executable file`)
    return { path, source: 'K6_BIN' }
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && runnable(join(dir, 'k6'))) return { path: resolve(dir, 'k6'), source: 'PATH' }
  }
  const shared = resolve(opts.repoRoot ?? REPO_ROOT, '..', 'shared', 'tools', 'k6')
  return runnable(shared) ? { path: shared, source: 'shared' } : undefined
}

/** The one-line answer of `k6 version` (e.g. `k6 v0.49.0 (go1.19.8, linux/amd64)`), or why there is none. */
export function k6Version(path: string): string {
  try {
    const text = execFileSync(path, ['version'], { encoding: 'utf8', timeout: 10_000 })
    return text.trim().split('\n')[0] ?? ''
  } catch (err) {
    return `version unknown (${path} version failed: ${(err as Error).message.split('\n')[0]})`
  }
}

/** The line tests print when they skip for want of a k6. */
export const NO_K6_REASON = 'no k6 found (K6_BIN, k6 on PATH, ../shared/tools/k6 beside the checkout)'
