import { K6RunnerError } from './errors.ts'

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

/**
 * Parses a k6 duration (`'30s'`, `'1m30s'`, `'250ms'`, `'1h'`) into milliseconds. A number is
 * already milliseconds, as in k6's options. `field` names the option in the error.
 */
export function parseDuration(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value
  if (typeof value === 'string') {
    const text = value.trim()
    if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000
    const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy
    let total = 0
    let pos = 0
    for (let m = re.exec(text); m; m = re.exec(text)) {
      total += Number(m[1]) * (UNIT_MS[m[2]!] ?? 0)
      pos = re.lastIndex
    }
    if (pos === text.length && pos > 0) return total
  }
  throw new K6RunnerError(
    'K6R_INVALID_DURATION',
    `${field} must be a k6 duration such as '30s', '1m30s' or '500ms' (got ${JSON.stringify(value)})`,
  )
}
