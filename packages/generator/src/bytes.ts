import { DAY_MS, HOUR_MS, MINUTE_MS, SHANGHAI_OFFSET_MS } from '@d11/time/shanghai'

/**
 * Rows as bytes. The high-volume kinds are written field by field straight into a chunk buffer:
 * ids, numbers and times as ASCII digits, constant pieces as compiled byte stores, so a row
 * builds no strings and leaves no garbage (at tens of millions of rows, per-row strings and their
 * UTF-8 encoding were most of the generator's cost).
 *
 * Style: each `put*` takes `(buf, o, …)` and returns the offset after what it wrote; callers
 * `reserve` room for a whole row first, so the stores themselves do not check.
 */

const encoder = new TextEncoder()

export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/** UTF-8 bytes of `JSON.stringify(text)`, memoized: enums, regions, pooled names repeat endlessly. */
const jsonBytes = new Map<string, Uint8Array>()
export function jsonString(text: string): Uint8Array {
  let b = jsonBytes.get(text)
  if (b === undefined) {
    b = encoder.encode(JSON.stringify(text))
    jsonBytes.set(text, b)
  }
  return b
}

/** Writes a constant piece of a row template; returns the offset after it. */
export type Piece = (dv: DataView, o: number) => number

/**
 * A constant template piece compiled to stores of four bytes at a time (then single bytes). A
 * short `Uint8Array#set` costs ~25 ns whatever its length; one store per byte ~1 ns a byte; the
 * compiled 32-bit stores, inlined at their call site, about a third of that (the same idea as
 * fast-json-stringify's compiled serializers, for bytes).
 */
export function piece(text: string): Piece {
  const b = utf8(text)
  let body = ''
  let i = 0
  for (; i + 4 <= b.length; i += 4) {
    const word = (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0
    body += `dv.setUint32(o + ${i}, ${word}, true);\n`
  }
  for (; i < b.length; i++) body += `dv.setUint8(o + ${i}, ${b[i]});\n`
  return new Function('dv', 'o', `${body}return o + ${b.length}`) as Piece
}

/** Pre-encoded bytes of varying content (regions, names). */
export function putBytes(buf: Uint8Array, o: number, b: Uint8Array): number {
  buf.set(b, o)
  return o + b.length
}

/** A non-negative safe integer, zero-padded to at least `width` digits (1: as `JSON.stringify`). */
export function putPadded(buf: Uint8Array, o: number, n: number, width: number): number {
  if (n >= 0x80000000) {
    // Epoch milliseconds and the like: the high digits, then the low eight zero-padded, both on
    // the fast 32-bit path (double division per digit is several times slower).
    const high = Math.floor(n / 1e8)
    o = putPadded(buf, o, high, width > 8 ? width - 8 : 1)
    return putPadded(buf, o, n - high * 1e8, 8)
  }
  const length = decimalLength(n)
  const end = o + Math.max(length, width)
  let at = end
  let v = n | 0
  // Two digits per division, from a table.
  while (at - o >= 2) {
    const q = (v / 100) | 0
    const pair = (v - q * 100) << 1
    buf[at - 1] = PAIRS[pair + 1]!
    buf[at - 2] = PAIRS[pair]!
    at -= 2
    v = q
  }
  if (at > o) buf[o] = 48 + v
  return end
}

/** `00` to `99` as ASCII byte pairs: `PAIRS[2n]`, `PAIRS[2n + 1]` are the digits of n. */
const PAIRS = new Uint8Array(200)
for (let n = 0; n < 100; n++) {
  PAIRS[2 * n] = 48 + ((n / 10) | 0)
  PAIRS[2 * n + 1] = 48 + (n % 10)
}

/** Writes 0–99 as two digits. */
function putPair(buf: Uint8Array, o: number, n: number): void {
  buf[o] = PAIRS[n << 1]!
  buf[o + 1] = PAIRS[(n << 1) + 1]!
}

/** The number of decimal digits of `n` (below 2^31), by comparisons: no loop, no division. */
function decimalLength(n: number): number {
  if (n < 100_000) {
    if (n < 100) return n < 10 ? 1 : 2
    return n < 1_000 ? 3 : n < 10_000 ? 4 : 5
  }
  if (n < 10_000_000) return n < 1_000_000 ? 6 : 7
  return n < 100_000_000 ? 8 : n < 1_000_000_000 ? 9 : 10
}

/** An integer (possibly negative) as `JSON.stringify` writes it. */
export function putInt(buf: Uint8Array, o: number, n: number): number {
  if (n >= 0) {
    if (n < 10) {
      // Quantities, waves, shop counts.
      buf[o] = 48 + n
      return o + 1
    }
    return putPadded(buf, o, n, 1)
  }
  buf[o] = 45
  return putPadded(buf, o + 1, -n, 1)
}

const TRUE = piece('true')
const FALSE = piece('false')
export function putBool(dv: DataView, o: number, b: boolean): number {
  return b ? TRUE(dv, o) : FALSE(dv, o)
}

/**
 * `2022-11-11T00:00:00.000` of an epoch-ms instant in Asia/Shanghai, without the `+08:00` that
 * callers write merged into their next piece: the same text as `@d11/time/shanghai` `toShanghaiIso`
 * for years 1000–9999.
 */
export function putIsoBody(buf: Uint8Array, o: number, ms: number): number {
  const local = Math.floor(ms) + SHANGHAI_OFFSET_MS
  const day = Math.floor(local / DAY_MS)
  // `YYYY-MM-DD` of the day as one number (20221111), cached: digits are cheaper than a copy.
  const ymd = dayDigits(day)
  const century = (ymd / 1_000_000) | 0
  const yy = ((ymd / 10_000) | 0) - century * 100
  const md = ymd % 10_000
  const month = (md / 100) | 0
  putPair(buf, o, century)
  putPair(buf, o + 2, yy)
  buf[o + 4] = 45
  putPair(buf, o + 5, month)
  buf[o + 7] = 45
  putPair(buf, o + 8, md - month * 100)
  buf[o + 10] = 84
  // Within a day every quantity fits 32 bits: integer division.
  let rem = (local - day * DAY_MS) | 0
  const h = (rem / HOUR_MS) | 0
  rem -= h * HOUR_MS
  const m = (rem / MINUTE_MS) | 0
  rem -= m * MINUTE_MS
  const s = (rem / 1000) | 0
  const milli = rem - s * 1000
  const centis = (milli / 100) | 0
  putPair(buf, o + 11, h)
  buf[o + 13] = 58
  putPair(buf, o + 14, m)
  buf[o + 16] = 58
  putPair(buf, o + 17, s)
  buf[o + 19] = 46
  buf[o + 20] = 48 + centis
  putPair(buf, o + 21, milli - centis * 100)
  return o + 23
}

/**
 * The calendar date of a Shanghai day number as `yyyymmdd`, in a direct-mapped cache (rows span
 * a few years of days at most; buyers' and after-sales' dates are scattered).
 */
const DAY_SLOTS = 8192
const dayKeys = new Float64Array(DAY_SLOTS).fill(Number.NaN)
const dayValues = new Int32Array(DAY_SLOTS)
function dayDigits(day: number): number {
  const slot = day & (DAY_SLOTS - 1)
  if (dayKeys[slot] === day) return dayValues[slot]!
  const d = new Date(day * DAY_MS)
  const value = d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate()
  dayKeys[slot] = day
  dayValues[slot] = value
  return value
}

const EMPTY = Buffer.alloc(0)

/** A growing chunk buffer (own, unpooled memory, so a worker can transfer it). */
export class ByteSink {
  buf: Buffer = EMPTY
  /** the same memory as `buf`, for {@link Piece}s' multi-byte stores */
  dv: DataView = new DataView(EMPTY.buffer, 0, 0)
  off = 0

  constructor(capacity: number) {
    this.use(Buffer.allocUnsafeSlow(Math.max(1024, capacity)))
  }

  private use(buf: Buffer): void {
    this.buf = buf
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.buf.length - this.off >= n) return
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.off + n, 1 << 20))
    this.buf.copy(bigger, 0, 0, this.off)
    this.use(bigger)
  }

  /** Writes into `memory` from now on (a chunk buffer handed back for reuse). */
  reuse(memory: ArrayBuffer): void {
    this.use(Buffer.from(memory))
    this.off = 0
  }

  /**
   * Gives up the current buffer (it was handed out, e.g. transferred to another thread); the
   * next write gets fresh memory unless `reuse` hands some back first.
   */
  detach(): void {
    this.use(EMPTY)
    this.off = 0
  }

  /** Any text, UTF-8 encoded (reserves its own room). */
  text(s: string): void {
    this.reserve(s.length * 3)
    this.off += this.buf.write(s, this.off)
  }

  /** The bytes written so far (a view: the sink must not be written to afterwards). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.off)
  }
}
