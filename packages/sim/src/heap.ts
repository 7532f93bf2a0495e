/**
 * Binary min-heap of simulation events over parallel typed arrays (no object per event).
 * Order: time, then priority (lower first), then insertion sequence, so simultaneous events
 * always pop in the same order.
 */
export class EventHeap {
  private time: Float64Array
  private rank: Float64Array
  private kind: Uint8Array
  private arg: Int32Array
  private n = 0
  private seq = 0

  constructor(capacity = 64) {
    this.time = new Float64Array(capacity)
    this.rank = new Float64Array(capacity)
    this.kind = new Uint8Array(capacity)
    this.arg = new Int32Array(capacity)
  }

  get size(): number {
    return this.n
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    return this.n > 0 ? this.time[0]! : Number.POSITIVE_INFINITY
  }

  /** Priority of the earliest event. */
  peekPriority(): number {
    return this.n > 0 ? Math.floor(this.rank[0]! / 2 ** 40) : 255
  }

  push(time: number, priority: number, kind: number, arg: number): void {
    if (this.n === this.time.length) this.grow()
    const rank = priority * 2 ** 40 + this.seq++
    let i = this.n++
    while (i > 0) {
      const p = (i - 1) >> 1
      const pt = this.time[p]!
      if (pt < time || (pt === time && this.rank[p]! < rank)) break
      this.time[i] = pt
      this.rank[i] = this.rank[p]!
      this.kind[i] = this.kind[p]!
      this.arg[i] = this.arg[p]!
      i = p
    }
    this.time[i] = time
    this.rank[i] = rank
    this.kind[i] = kind
    this.arg[i] = arg
  }

  /** Removes the earliest event; read it first with `topTime/topKind/topArg`. */
  topKind(): number {
    return this.kind[0]!
  }
  topArg(): number {
    return this.arg[0]!
  }

  pop(): void {
    const n = --this.n
    if (n === 0) return
    const t = this.time[n]!
    const r = this.rank[n]!
    const k = this.kind[n]!
    const a = this.arg[n]!
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      let c = l
      const rt = l + 1 < n ? this.time[l + 1]! : Number.POSITIVE_INFINITY
      const lt = this.time[l]!
      if (rt < lt || (rt === lt && l + 1 < n && this.rank[l + 1]! < this.rank[l]!)) c = l + 1
      const ct = this.time[c]!
      if (ct > t || (ct === t && this.rank[c]! > r)) break
      this.time[i] = ct
      this.rank[i] = this.rank[c]!
      this.kind[i] = this.kind[c]!
      this.arg[i] = this.arg[c]!
      i = c
    }
    this.time[i] = t
    this.rank[i] = r
    this.kind[i] = k
    this.arg[i] = a
  }

  private grow(): void {
    const cap = this.time.length * 2
    const t = new Float64Array(cap)
    t.set(this.time)
    this.time = t
    const r = new Float64Array(cap)
    r.set(this.rank)
    this.rank = r
    const k = new Uint8Array(cap)
    k.set(this.kind)
    this.kind = k
    const a = new Int32Array(cap)
    a.set(this.arg)
    this.arg = a
  }
}

/** Growable FIFO of order indices (Int32Array ring). */
export class IndexQueue {
  private buf: Int32Array
  private head = 0
  private tail = 0
  /** total ever pushed: the absolute position of the next push */
  pushed = 0
  /** total ever shifted: the absolute position of the head */
  shifted = 0

  constructor(capacity = 1024) {
    let cap = 16
    while (cap < capacity) cap *= 2
    this.buf = new Int32Array(cap)
  }

  get length(): number {
    return this.tail - this.head
  }

  push(v: number): void {
    if (this.tail - this.head === this.buf.length) this.grow()
    this.buf[this.tail++ & (this.buf.length - 1)] = v
    this.pushed++
  }

  peek(): number {
    return this.buf[this.head & (this.buf.length - 1)]!
  }

  shift(): number {
    this.shifted++
    return this.buf[this.head++ & (this.buf.length - 1)]!
  }

  private grow(): void {
    const old = this.buf
    const len = old.length
    const next = new Int32Array(len * 2)
    for (let i = 0; i < len; i++) next[i] = old[(this.head + i) & (len - 1)]!
    this.buf = next
    this.tail = len
    this.head = 0
  }
}
