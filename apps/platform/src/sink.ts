import { performance } from 'node:perf_hooks'
import type { EventRow, PayoutRow, SlaVerdictRow } from '@d11/store/spool'
import { latencyHistogram } from './plugins/overload.ts'

/** The part of `@d11/store/spool`'s SpoolWriter the platform uses. */
export interface SpoolLike {
  append(table: 'events' | 'sla_verdicts' | 'payouts', row: EventRow | SlaVerdictRow | PayoutRow): void
  flush(): Promise<void>
  close(): Promise<void>
  /** Group commit (SpoolWriter.commit): rows appended so far written, and fsync'd with `sync`. */
  commit?(sync: boolean): Promise<void>
}

export interface EventInput {
  kind: string
  simTime: number
  merchantId?: string
  orderId?: string
  skuId?: string
  buyerId?: string
  ruleId?: string
  amountFen?: number
  detail?: Record<string, unknown>
}

const RING = 20_000

/**
 * Event sink: every event, verdict and payout leaves the platform through the spool
 * (docs/contracts.md). `append` is synchronous and only buffers, so a request never waits on disk
 * or on the store; `close()` flushes. A ring of recent rows serves `GET /admin/events`.
 */
export class EventSink {
  private seq = 0
  private readonly ring: Array<{ table: string; row: EventRow | SlaVerdictRow | PayoutRow }> = []
  private ringPos = 0
  readonly counts = { events: 0, sla_verdicts: 0, payouts: 0 }
  /** Rows produced after close() (a late timer or request): kept out of the closed spool, counted here. */
  dropped = 0
  private closed = false
  /** Rows handed to the spool, and how many of them a finished commit covers. */
  private appended = 0
  private committed = 0
  /** ms each `commit()` caller waited (group commit: its batch's write and fsync, and the one before). */
  readonly commitWait = latencyHistogram()

  private readonly timer: NodeJS.Timeout | undefined

  constructor(
    private readonly runId: string,
    private readonly wallNow: () => number,
    private readonly spool: SpoolLike | null,
    flushEveryMs = 1000,
    onError: (err: unknown) => void = () => {},
  ) {
    // Quiet periods still reach the disk: buffered rows are written at least every `flushEveryMs`.
    if (spool) {
      this.timer = setInterval(() => spool.flush().catch(onError), flushEveryMs)
      this.timer.unref()
    }
  }

  event(e: EventInput): EventRow {
    const row: EventRow = {
      event_id: this.id('e'),
      run_id: this.runId,
      kind: e.kind,
      sim_time: e.simTime,
      wall_time: this.wallNow(),
      merchant_id: e.merchantId ?? '',
      order_id: e.orderId ?? '',
      sku_id: e.skuId ?? '',
      buyer_id: e.buyerId ?? '',
      rule_id: e.ruleId ?? '',
      amount_fen: e.amountFen ?? 0,
      detail: e.detail ? JSON.stringify(e.detail) : '',
    }
    this.put('events', row)
    return row
  }

  verdict(v: Omit<SlaVerdictRow, 'verdict_id' | 'run_id' | 'wall_time'>): SlaVerdictRow {
    const row: SlaVerdictRow = {
      verdict_id: this.id('v'),
      run_id: this.runId,
      wall_time: this.wallNow(),
      ...v,
    }
    this.put('sla_verdicts', row)
    return row
  }

  payout(p: Omit<PayoutRow, 'payout_id' | 'run_id' | 'wall_time'>): PayoutRow {
    const row: PayoutRow = { payout_id: this.id('p'), run_id: this.runId, wall_time: this.wallNow(), ...p }
    this.put('payouts', row)
    return row
  }

  /** Forget the recent-rows ring (world load, reset); spooled rows are not affected. */
  clearRecent(): void {
    this.ring.length = 0
    this.ringPos = 0
  }

  /** The most recent rows (up to 20 000), oldest first. */
  recent(): Array<{ table: string; row: EventRow | SlaVerdictRow | PayoutRow }> {
    return [...this.ring.slice(this.ringPos), ...this.ring.slice(0, this.ringPos)]
  }

  async flush(): Promise<void> {
    await this.spool?.flush()
  }

  /** True when rows were handed to the spool since the last finished commit. */
  get uncommitted(): boolean {
    return this.appended > this.committed
  }

  /**
   * Durable acceptance: resolves once every row produced so far is in the spool file (and
   * fsync'd with `sync`). Concurrent callers share one write and fsync (group commit).
   */
  async commit(sync: boolean): Promise<void> {
    const target = this.appended
    if (!this.spool || this.committed >= target) return
    const start = performance.now()
    await (this.spool.commit ? this.spool.commit(sync) : this.spool.flush())
    this.commitWait.record(performance.now() - start)
    if (target > this.committed) this.committed = target
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.closed = true
    await this.spool?.close()
  }

  private id(prefix: string): string {
    this.seq += 1
    return `${this.runId}-${prefix}${this.seq}`
  }

  private put(table: 'events' | 'sla_verdicts' | 'payouts', row: EventRow | SlaVerdictRow | PayoutRow): void {
    this.counts[table] += 1
    if (this.ring.length < RING) this.ring.push({ table, row })
    else {
      this.ring[this.ringPos] = { table, row }
      this.ringPos = (this.ringPos + 1) % RING
    }
    if (this.closed) this.dropped += 1
    else if (this.spool) {
      this.spool.append(table, row)
      this.appended += 1
    }
  }
}
