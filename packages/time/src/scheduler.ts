import type { SimClockLike } from './sim-clock.ts'

/** What the scheduler needs of a simulated clock (the platform's, or a merchant's view of it). */
export type SchedulerClock = SimClockLike

/** A deadline in simulated time. `cancelled` entries are dropped lazily when they reach the top. */
export interface Deadline {
  at: number
  seq: number
  kind: string
  fire: (at: number) => void
  cancelled: boolean
}

const MAX_TIMER_MS = 2_147_483_647

/**
 * One scheduler for every deadline, keyed on simulated time: a binary min-heap plus a single wall
 * timer armed for the earliest entry. Clock changes (rate, jumps) re-arm the timer, so deadlines
 * fire at the right simulated instant whatever the rate does.
 */
export class Scheduler {
  private readonly heap: Deadline[] = []
  private seq = 0
  private timer: NodeJS.Timeout | undefined
  private closed = false
  private firing = false
  /** Deadlines fired so far (for the platform's /admin/clock and tests). */
  fired = 0

  constructor(
    private readonly clock: SchedulerClock,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    clock.onChange(() => this.runDue())
  }

  get size(): number {
    return this.heap.length
  }

  /** Schedule `fire` at simulated instant `at`. Returns the entry; set `cancelled` to drop it. */
  at(at: number, kind: string, fire: (at: number) => void): Deadline {
    const d: Deadline = { at, seq: this.seq++, kind, fire, cancelled: false }
    this.push(d)
    if (this.heap[0] === d) this.arm()
    return d
  }

  /** Cheap check for the hot path: fire what is due, if anything. */
  tick(): void {
    const top = this.heap[0]
    if (top && top.at <= this.clock.now()) this.runDue()
  }

  /** Fire every deadline due at the current simulated time, in (at, seq) order, then re-arm. */
  runDue(): void {
    if (this.firing) return
    this.firing = true
    try {
      const now = this.clock.now()
      for (let top = this.heap[0]; top && top.at <= now; top = this.heap[0]) {
        this.pop()
        if (top.cancelled) continue
        this.fired++
        try {
          top.fire(top.at)
        } catch (err) {
          this.onError(err)
        }
      }
    } finally {
      this.firing = false
    }
    this.arm()
  }

  /** Stops the timer and drops every pending entry. */
  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.heap.length = 0
  }

  clear(): void {
    this.heap.length = 0
    this.arm()
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
    this.timer.unref()
  }

  private less(a: Deadline, b: Deadline): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq)
  }

  private push(d: Deadline): void {
    const h = this.heap
    h.push(d)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.less(h[i]!, h[p]!)) break
      ;[h[i], h[p]] = [h[p]!, h[i]!]
      i = p
    }
  }

  private pop(): Deadline | undefined {
    const h = this.heap
    const top = h[0]
    const last = h.pop()
    if (h.length > 0 && last) {
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
    return top
  }
}
