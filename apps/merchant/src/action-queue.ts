/**
 * Actions the merchant takes at simulated instants (pickups, trace updates, replies, decisions):
 * one binary min-heap keyed on simulated time and one wall timer armed for the earliest entry,
 * re-armed whenever the clock's rate or time changes. Due actions start in (at, seq) order.
 */
import type { SimClockLike } from './sim-clock.ts'

interface Entry {
  at: number
  seq: number
  run: () => void
}

const MAX_TIMER_MS = 2_147_483_647

export class ActionQueue {
  private readonly heap: Entry[] = []
  private seq = 0
  private timer: NodeJS.Timeout | undefined
  private closed = false

  constructor(private readonly clock: SimClockLike) {
    clock.onChange(() => this.runDue())
  }

  get size(): number {
    return this.heap.length
  }

  /** Run `run` once the simulated time reaches `at` (at once when it already has). Infinity: never. */
  at(at: number, run: () => void): void {
    if (!Number.isFinite(at) || this.closed) return
    const e: Entry = { at, seq: this.seq++, run }
    this.push(e)
    if (this.heap[0] === e) this.arm()
  }

  runDue(): void {
    if (this.closed) return
    const now = this.clock.now()
    for (let top = this.heap[0]; top && top.at <= now; top = this.heap[0]) {
      this.pop()
      top.run()
    }
    this.arm()
  }

  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.heap.length = 0
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    const top = this.heap[0]
    const rate = this.clock.rate
    if (this.closed || !top) return
    const ahead = top.at - this.clock.now()
    // a paused clock (rate 0) still runs what is already due
    if (rate <= 0 && ahead > 0) return
    const wallMs = ahead <= 0 ? 0 : Math.min(MAX_TIMER_MS, Math.ceil(ahead / rate))
    this.timer = setTimeout(() => this.runDue(), wallMs)
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq)
  }

  private push(e: Entry): void {
    const h = this.heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.less(h[i]!, h[p]!)) break
      ;[h[i], h[p]] = [h[p]!, h[i]!]
      i = p
    }
  }

  private pop(): void {
    const h = this.heap
    const last = h.pop()
    if (h.length === 0 || !last) return
    h[0] = last
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r
      if (m === i) break
      ;[h[i], h[m]] = [h[m]!, h[i]!]
      i = m
    }
  }
}
