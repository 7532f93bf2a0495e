import { execFile } from 'node:child_process'
import { findK6, k6Version, NO_K6_REASON } from '@d11/k6-runner/find-k6'

/** The k6 the real-k6 tests use (K6_BIN, PATH, ../shared/tools/k6), or undefined: those tests skip. */
export const k6 = findK6()?.path

/** A describe title that says which k6 runs the tests, or why they are skipped. */
export function realK6Title(what: string): string {
  return k6 ? `${what} (${k6Version(k6)})` : `${what}: skipped, ${NO_K6_REASON}`
}

export interface K6Result {
  code: number
  stdout: string
  stderr: string
}

/** Runs the real k6 binary with `args` (bounded by `timeoutMs`), never throwing on a non-zero exit. */
export function runK6(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<K6Result> {
  if (!k6) throw new Error(NO_K6_REASON)
  return new Promise((resolve) => {
    const child = execFile(
      k6,
      args,
      {
        cwd: opts.cwd,
        timeout: opts.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        // no usage report, no colours in the captured text
        env: { ...process.env, K6_NO_USAGE_REPORT: 'true', NO_COLOR: '1' },
      },
      (_err, stdout, stderr) => resolve({ code: child.exitCode ?? -1, stdout, stderr }),
    )
  })
}
