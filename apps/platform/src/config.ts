import type { CalendarId } from '@d11/rules/calendar'

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
