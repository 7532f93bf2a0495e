import { toShanghaiIso } from '@d11/time/shanghai'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ByteSink, piece, putBool, putInt, putIsoBody, putPadded, utf8 } from '../src/bytes.ts'

const written = (put: (buf: Uint8Array, o: number) => number) => {
  const sink = new ByteSink(64)
  sink.off = put(sink.buf, 0)
  return Buffer.from(sink.view()).toString('latin1')
}

// The byte writers replace `JSON.stringify`, `String.padStart` and `toShanghaiIso` on the hot
// path; any disagreement would silently change every world's bytes.
describe('byte writers', () => {
  it('a piece writes its UTF-8 bytes at any offset, and nothing around them', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.nat(13), (text, at) => {
        const sink = new ByteSink(128)
        sink.buf.fill(0xaa)
        const bytes = utf8(text)
        expect(piece(text)(sink.dv, at)).toBe(at + bytes.length)
        expect(Buffer.from(sink.buf.subarray(at, at + bytes.length))).toEqual(Buffer.from(bytes))
        expect(sink.buf.subarray(0, at).every((b) => b === 0xaa)).toBe(true)
        expect(sink.buf.subarray(at + bytes.length).every((b) => b === 0xaa)).toBe(true)
      }),
      { numRuns: 1000 },
    )
    const sink = new ByteSink(16)
    sink.off = putBool(sink.dv, putBool(sink.dv, 0, true), false)
    expect(Buffer.from(sink.view()).toString()).toBe('truefalse')
  })

  it('keeps its DataView on the memory it writes, as the buffer grows or is swapped', () => {
    const sink = new ByteSink(1024)
    sink.off = 1000
    sink.reserve(5000)
    expect(sink.dv.buffer).toBe(sink.buf.buffer)
    expect(sink.dv.byteLength).toBe(sink.buf.byteLength)
    const memory = new ArrayBuffer(4096)
    sink.reuse(memory)
    expect(sink.dv.buffer).toBe(memory)
    sink.off = piece('{"x":')(sink.dv, 0)
    expect(Buffer.from(memory, 0, 5).toString()).toBe('{"x":')
  })

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
