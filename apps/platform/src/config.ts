import type { StockPolicy } from '@d11/order-flow/stock-policy'
import type { CalendarId } from '@d11/rules/calendar'

/** When a 2xx reply may leave relative to the spool write of the events it produced. */
export type Durability = 'fsync' | 'write' | 'buffered'

/**
 * How stock is reserved when an order is placed: @d11/order-flow's reservation (`strict`,
 * `lagging`); `buffered` is the old name of `strict` with `oversellShare = oversellBuffer`.
 */
export type OversellPolicy = 'strict' | 'buffered' | 'lagging'

/**
 * Platform configuration. Rule figures (tiers, coupon, compensation, eligibility, PAY-6 thresholds)
 * and deadlines come from the @d11/rules ruleset in force at each simulated instant.
 */
export interface PlatformConfig {
  /** Run id stamped on every spool row. @default 'run-local' */
  runId: string
  /** Calendar of CAL-2. @default '2020' */
  calendar: CalendarId
  /** Simulated start instant (ISO with offset). @default '2020-11-01T00:00:00+08:00' */
  clockStart: string
  /** Simulated ms per wall ms. @default 1 */
  clockRate: number
  /** Spool folder for events (docs/contracts.md); `null` keeps events in memory only. @default null */
  spoolDir: string | null
  /** Seed of the fault-injection PRNG. @default 11 */
  seed: number
  /** Requests in flight past which the platform answers 503 + Retry-After. @default 1024 */
  maxInFlight: number
  /**
   * Load shedding (plugins/overload.ts): mean event-loop delay in ms over the last sample past
   * which new requests get 503 `PLAT_ERR_SHED`. This is the queue the in-flight count cannot see:
   * requests waiting in socket buffers delay the loop. 0 turns the check off. @default 40
   */
  maxEventLoopDelayMs: number
  /**
   * Load shedding: a request read more than this many ms after the first request of the same
   * event-loop turn has waited at least that long in its socket, and is shed; 0 = off. @default 25
   */
  maxQueueMs: number
  /**
   * Load shedding: requests of one event-loop turn always admitted before any of that turn is
   * shed (a few requests read together, e.g. a client and a merchant service on a busy box, are
   * no queue; a real backlog is read by the hundred). @default 8
   */
  minTurnRequests: number
  /** Load shedding: event-loop utilisation (0..1) over the last sample past which requests are shed; 0 = off (a loop at 100 % is at capacity, not necessarily queueing: delay is the queue signal). @default 0 */
  maxEventLoopUtilization: number
  /** Load shedding: how often (ms) the pressure figures are sampled. @default 100 */
  pressureSampleMs: number
  /** Seconds sent in `Retry-After` on a shed or overloaded 503. @default 1 */
  retryAfterS: number
  /**
   * Durable acceptance (sink.ts): before a 2xx reply, the events it produced are written to the
   * spool segment (`write`: safe against any stop of the process) and fsync'd (`fsync`: also
   * against a crash of the machine), batched across concurrent requests (group commit).
   * `buffered` answers first and writes within a second (the pre-issue-17 behaviour). Only
   * applies with a `spoolDir`. @default 'fsync'
   */
  durability: Durability
  /** Stock reservation policy. @default 'strict' */
  oversellPolicy: OversellPolicy
  /** Idempotency keys remembered (oldest forgotten first). @default 200000 */
  idempotencyKeys: number
  /** `buffered`: extra units sold beyond stock, as a fraction of stock. @default 0.05 */
  oversellBuffer: number
  /**
   * @d11/order-flow's signed share of stock sold beyond it (`0.05` over, `-0.02` held back); when
   * set it replaces `oversellBuffer`. Every unit beyond physical stock is oversold (PAY-3).
   */
  oversellShare?: number
  /**
   * Each merchant's own stock policy (merchant id → its profile's reservation and oversellShare),
   * so a `lagging` shop, a `buffered` one and strict ones share a run. Merchants not listed sell
   * under the default above (`oversellPolicy`, `oversellShare` / `oversellBuffer`). @default none
   */
  merchantStockPolicies?: Readonly<Record<string, StockPolicy>>
  /** Webhook delivery: attempts and first backoff. @default 5, 200 ms */
  webhookAttempts: number
  webhookBackoffMs: number
  /** Webhook request timeout. @default 2000 ms */
  webhookTimeoutMs: number
}

export const DEFAULT_CONFIG: PlatformConfig = {
  runId: 'run-local',
  calendar: '2020',
  clockStart: '2020-11-01T00:00:00+08:00',
  clockRate: 1,
  spoolDir: null,
  seed: 11,
  maxInFlight: 1024,
  maxEventLoopDelayMs: 40,
  maxQueueMs: 25,
  minTurnRequests: 8,
  maxEventLoopUtilization: 0,
  pressureSampleMs: 100,
  retryAfterS: 1,
  durability: 'fsync',
  oversellPolicy: 'strict',
  oversellBuffer: 0.05,
  idempotencyKeys: 200_000,
  webhookAttempts: 5,
  webhookBackoffMs: 200,
  webhookTimeoutMs: 2000,
}

export function resolveConfig(partial: Partial<PlatformConfig> = {}): PlatformConfig {
  return {
    ...DEFAULT_CONFIG,
    ...partial,
  }
}
