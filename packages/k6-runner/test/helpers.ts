import { fileURLToPath } from 'node:url'
import { type RunOptions, type RunResult, runScript } from '../src/run.ts'

export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

/** Runs a fixture script quietly, collecting what it prints. */
export async function run(name: string, env: Record<string, string>, extra: Partial<RunOptions> = {}) {
  const out: string[] = []
  const err: string[] = []
  const result: RunResult = await runScript({
    script: fixture(name),
    env,
    includeSystemEnv: false,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    ...extra,
  })
  return { ...result, stdout: out.join(''), stderr: err.join('') }
}

export function metric(result: RunResult, name: string): Record<string, number> {
  const m = result.summary?.metrics[name]
  if (!m) throw new Error(`metric ${name} missing from the summary`)
  return m.values
}
