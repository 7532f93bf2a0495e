import { toShanghaiIso } from '@d11/curve/time'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ByteSink, putInt, putIsoBody, putPadded } from '../src/bytes.ts'

const written = (put: (buf: Uint8Array, o: number) => number) => {
  const sink = new ByteSink(64)
  sink.off = put(sink.buf, 0)
  return Buffer.from(sink.view()).toString('latin1')
}

// The byte writers replace `JSON.stringify`, `String.padStart` and `toShanghaiIso` on the hot
// path; any disagreement would silently change every world's bytes.
describe('byte writers', () => {
  it('putInt writes what JSON.stringify writes, for any safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(written((b, o) => putInt(b, o, n))).toBe(JSON.stringify(n))
      }),
      { numRuns: 3000 },
    )
    for (const n of [0, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 1e8, 1e8 - 1, 1e16, -1, -(2 ** 31)])
      expect(written((b, o) => putInt(b, o, n))).toBe(JSON.stringify(n))
  })

  it('putPadded zero-pads to the width and never truncates', () => {
    fc.assert(
      fc.property(
        fc.maxSafeInteger().filter((n) => n >= 0),
        fc.integer({ min: 1, max: 12 }),
        (n, width) => {
          expect(written((b, o) => putPadded(b, o, n, width))).toBe(String(n).padStart(width, '0'))
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('putIsoBody + "+08:00" is toShanghaiIso, across day and year edges', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), (ms) => {
        expect(`${written((b, o) => putIsoBody(b, o, ms))}+08:00`).toBe(toShanghaiIso(ms))
      }),
      { numRuns: 3000 },
    )
    const newYear = Date.UTC(2022, 11, 31, 16) // 2023-01-01T00:00 in Shanghai
    for (const ms of [newYear - 1, newYear, newYear + 999])
      expect(`${written((b, o) => putIsoBody(b, o, ms))}+08:00`).toBe(toShanghaiIso(ms))
  })
})
