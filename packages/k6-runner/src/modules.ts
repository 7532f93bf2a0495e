import { register } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { constants, Script } from 'node:vm'
import { K6RunnerError } from './errors.ts'

const HOOKS_KEY = Symbol.for('@d11/k6-runner/hooks')

/** Registers the loader hooks that map `k6/*` to the shims (once per process). */
export function registerHooks(): void {
  const g = globalThis as Record<symbol, unknown>
  if (g[HOOKS_KEY]) return
  register(new URL('../loader/hooks.mjs', import.meta.url), {
    data: { shimDir: new URL('../shims/', import.meta.url).href },
  })
  g[HOOKS_KEY] = true
}

/**
 * `import()` through Node's own loader (where the k6 resolve hook is registered). Under another
 * module runner (vitest) a plain `new Function` import has no loader callback; a vm Script with
 * the main-context loader does.
 */
async function nativeImport(url: string): Promise<Record<string, unknown>> {
  try {
    return await (
      new Function('url', 'return import(url)') as (u: string) => Promise<Record<string, unknown>>
    )(url)
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') throw err
    const viaVm = new Script('(url) => import(url)', {
      importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }).runInThisContext() as (u: string) => Promise<Record<string, unknown>>
    return viaVm(url)
  }
}

let runCounter = 0

/**
 * Evaluates the script afresh for each VU, as k6 does: every instance gets its own copy of the
 * script's modules (its `d11run` query reaches every file it imports, see loader/hooks.mjs), so
 * module-level variables are per VU. Instance 0 is the init pass that yields `options` and runs
 * setup(), teardown() and handleSummary(). Node never unloads modules: each instance stays in
 * memory until the process ends.
 */
export class ScriptInstances {
  private readonly run = ++runCounter

  constructor(private readonly scriptPath: string) {}

  async load(vuId: number): Promise<Record<string, unknown>> {
    const url = pathToFileURL(this.scriptPath)
    url.searchParams.set('d11run', `${this.run}-${vuId}`)
    try {
      return await nativeImport(url.href)
    } catch (err) {
      throw explainImportError(err)
    }
  }
}

/** The file:// path of whoever called `open()`, from the stack (k6 resolves relative to it). */
export function callerFile(): string | undefined {
  const lines = new Error().stack?.split('\n') ?? []
  for (const line of lines.slice(3)) {
    const m = /(file:\/\/[^\s?)]+)(?:\?[^\s)]*)?:\d+:\d+/.exec(line)
    if (m && !m[1]!.includes('/k6-runner/')) return fileURLToPath(m[1]!)
  }
  return undefined
}

function explainImportError(err: unknown): Error {
  if (err instanceof K6RunnerError) return err
  const message = (err as Error)?.message ?? String(err)
  const missing = /module '([^']+)' does not provide an export named '([^']+)'/.exec(message)
  if (missing?.[1]?.startsWith('k6')) {
    return new K6RunnerError(
      'K6R_UNSUPPORTED_API',
      `${missing[1]}.${missing[2]} is not provided by the built-in runner; run this script with real k6 (--engine k6)`,
    )
  }
  const mod = /K6R_UNSUPPORTED_MODULE: (.*)/.exec(message)
  if (mod) return new K6RunnerError('K6R_UNSUPPORTED_MODULE', mod[1]!)
  return new K6RunnerError('K6R_SCRIPT_ERROR', `the script failed to load: ${message}`)
}
