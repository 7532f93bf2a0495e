import { DAY_MS, HOUR_MS, MINUTE_MS, SHANGHAI_OFFSET_MS } from '@d11/curve/time'

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
export type Piece = (buf: Uint8Array, o: number) => number

/**
 * A constant template piece compiled to one store per byte. A short `Uint8Array#set` costs ~25 ns
 * whatever its length; the compiled stores, inlined at their call site, cost a few ns (the
 * same idea as fast-json-stringify's compiled serializers, for bytes).
 */
export function piece(text: string): Piece {
  const b = utf8(text)
  let body = ''
  for (let i = 0; i < b.length; i++) body += `buf[o + ${i}] = ${b[i]};\n`
  return new Function('buf', 'o', `${body}return o + ${b.length}`) as Piece
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
  let digits = width
  if (n >= POW10[width]!) {
    digits = 1
    for (let p = 10; p <= n; p *= 10) digits++
  }
  const end = o + digits
  let at = end
  let v = n | 0
  while (at > o) {
    const q = (v / 10) | 0
    buf[--at] = 48 + v - q * 10
    v = q
  }
  return end
}

/** 10^w for the widths ids are padded to (`POW10[w]` is the first number that needs w + 1 digits). */
const POW10 = Array.from({ length: 17 }, (_, w) => 10 ** w)

/** An integer (possibly negative) as `JSON.stringify` writes it. */
export function putInt(buf: Uint8Array, o: number, n: number): number {
  if (n >= 0) return putPadded(buf, o, n, 1)
  buf[o] = 45
  return putPadded(buf, o + 1, -n, 1)
}

const TRUE = piece('true')
const FALSE = piece('false')
export function putBool(buf: Uint8Array, o: number, b: boolean): number {
  return b ? TRUE(buf, o) : FALSE(buf, o)
}

/**
 * `2022-11-11T00:00:00.000` of an epoch-ms instant in Asia/Shanghai, without the `+08:00` that
 * callers write merged into their next piece: the same text as `@d11/curve/time` `toShanghaiIso`.
 */
export function putIsoBody(buf: Uint8Array, o: number, ms: number): number {
  const local = Math.floor(ms) + SHANGHAI_OFFSET_MS
  const day = Math.floor(local / DAY_MS)
  // `YYYY-MM-DD` of the day as one number (20221111), cached: digits are cheaper than a copy.
  const ymd = dayDigits(day)
  const year = (ymd / 10000) | 0
  const md = ymd - year * 10000
  o = putPadded(buf, o, year, 4)
  buf[o] = 45
  buf[o + 1] = 48 + ((md / 1000) | 0)
  buf[o + 2] = 48 + (((md / 100) | 0) % 10)
  buf[o + 3] = 45
  buf[o + 4] = 48 + (((md / 10) | 0) % 10)
  buf[o + 5] = 48 + (md % 10)
  buf[o + 6] = 84
  o += 7
  let rem = local - day * DAY_MS
  const h = Math.floor(rem / HOUR_MS)
  rem -= h * HOUR_MS
  const m = Math.floor(rem / MINUTE_MS)
  rem -= m * MINUTE_MS
  const s = Math.floor(rem / 1000)
  const milli = rem - s * 1000
  buf[o] = 48 + ((h / 10) | 0)
  buf[o + 1] = 48 + (h % 10)
  buf[o + 2] = 58
  buf[o + 3] = 48 + ((m / 10) | 0)
  buf[o + 4] = 48 + (m % 10)
  buf[o + 5] = 58
  buf[o + 6] = 48 + ((s / 10) | 0)
  buf[o + 7] = 48 + (s % 10)
  buf[o + 8] = 46
  buf[o + 9] = 48 + ((milli / 100) | 0)
  buf[o + 10] = 48 + (((milli / 10) | 0) % 10)
  buf[o + 11] = 48 + (milli % 10)
  return o + 12
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
  buf: Buffer
  off = 0

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(1024, capacity))
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.buf.length - this.off >= n) return
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.off + n, 1 << 20))
    this.buf.copy(bigger, 0, 0, this.off)
    this.buf = bigger
  }

  /** Writes into `memory` from now on (a chunk buffer handed back for reuse). */
  reuse(memory: ArrayBuffer): void {
    this.buf = Buffer.from(memory)
    this.off = 0
  }

  /**
   * Gives up the current buffer (it was handed out, e.g. transferred to another thread); the
   * next write gets fresh memory unless `reuse` hands some back first.
   */
  detach(): void {
    this.buf = EMPTY
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
