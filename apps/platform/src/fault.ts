import { PlatformError } from './errors.ts'

/** mulberry32: a small seeded PRNG, so injected errors are reproducible for a given seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface Fault {
  latencyMs: number
  errorRate: number
}

/** Parse `x-d11-fault: latency=200ms, error=0.05` (either part optional; `,` or `;` separated). */
export function parseFault(header: string): Fault {
  const fault: Fault = { latencyMs: 0, errorRate: 0 }
  for (const part of header.split(/[;,]/)) {
    const p = part.trim()
    if (!p) continue
    const m = /^(latency|error)=([0-9.]+)(ms|s)?$/.exec(p)
    const value = m ? Number(m[2]) : Number.NaN
    if (!m || !Number.isFinite(value)) {
      throw new PlatformError(
        'PLAT_ERR_VALIDATION',
        'headers.x-d11-fault',
        `"${p}" is not latency=<n>ms or error=<probability>, e.g. "latency=200ms, error=0.05"`,
      )
    }
    if (m[1] === 'latency') fault.latencyMs = Math.min(60_000, m[3] === 's' ? value * 1000 : value)
    else if (value > 1 || m[3]) {
      throw new PlatformError(
        'PLAT_ERR_VALIDATION',
        'headers.x-d11-fault',
        `error=${m[2]}${m[3] ?? ''} must be a probability 0..1`,
      )
    } else fault.errorRate = value
  }
  return fault
}
