/** Base error of `@d11/k6-runner`: a fixed `code` and a message naming the API, option or field to fix. */
export class K6RunnerError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(`${code}: ${message}`)
    this.name = 'K6RunnerError'
    this.code = code
  }
}

/** Process exit codes, as k6 uses them. */
export const EXIT = {
  ok: 0,
  /** ThresholdsHaveFailed */
  thresholds: 99,
  /** InvalidConfig */
  invalidConfig: 104,
  /** ScriptException (setup, teardown, handleSummary or init threw) */
  scriptException: 107,
  /** ScriptAborted (exec.test.abort()) */
  scriptAborted: 108,
} as const

/** The error a script gets when it calls part of k6's API the runner does not implement. */
export function unsupported(api: string, hint: string): never {
  throw new K6RunnerError('K6R_UNSUPPORTED_API', `${api} is not supported by the built-in runner; ${hint}`)
}
