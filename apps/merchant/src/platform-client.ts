/**
 * The platform's merchant API as the reference merchant calls it (undici, one keep-alive pool).
 * Transient failures (network errors, 429, 5xx) are retried with exponential backoff, no sooner
 * than a 503's Retry-After; a 4xx is the platform's answer and comes back as a {@link PlatformReply} for the caller to judge.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'
import type { ReplyMode } from './model.ts'

export interface PlatformReply {
  status: number
  body: { code?: string; ruleId?: string; message?: string } & Record<string, unknown>
}

export interface PlatformClientOptions {
  /** Concurrent connections to the platform. @default 32 */
  connections?: number
  /** Attempts per call on transient failures. @default 5 */
  attempts?: number
  /** First backoff, doubled each attempt. @default 50 ms */
  backoffMs?: number
}

export class PlatformClient {
  private readonly pool: Pool
  private readonly attempts: number
  private readonly backoffMs: number
  calls = 0
  failures = 0

  constructor(
    readonly baseUrl: string,
    opts: PlatformClientOptions = {},
  ) {
    this.pool = new Pool(new URL(baseUrl).origin, { connections: opts.connections ?? 32, pipelining: 1 })
    this.attempts = opts.attempts ?? 5
    this.backoffMs = opts.backoffMs ?? 50
  }

  pickup(merchantId: string, orderId: string): Promise<PlatformReply> {
    return this.post(`/merchant/${enc(merchantId)}/orders/${enc(orderId)}/pickup`, undefined)
  }

  trace(merchantId: string, orderId: string): Promise<PlatformReply> {
    return this.post(`/merchant/${enc(merchantId)}/orders/${enc(orderId)}/trace`, undefined)
  }

  reply(merchantId: string, consultationId: string, mode: ReplyMode, text: string): Promise<PlatformReply> {
    return this.post(`/merchant/${enc(merchantId)}/consultations/${enc(consultationId)}/reply`, {
      mode,
      text,
    })
  }

  decideRefund(merchantId: string, refundId: string, approve: boolean): Promise<PlatformReply> {
    return this.post(`/merchant/${enc(merchantId)}/refunds/${enc(refundId)}/decide`, { approve })
  }

  handleComplaint(
    merchantId: string,
    complaintId: string,
    action: 'accept' | 'dispute',
  ): Promise<PlatformReply> {
    return this.post(`/merchant/${enc(merchantId)}/complaints/${enc(complaintId)}/handle`, { action })
  }

  /** Publish the units still to sell of one SKU (the platform sells this figure under `lagging`). */
  publishStock(merchantId: string, skuId: string, available: number): Promise<PlatformReply> {
    return this.send('PUT', `/merchant/${enc(merchantId)}/skus/${enc(skuId)}/stock`, { available })
  }

  post(path: string, body: unknown): Promise<PlatformReply> {
    return this.send('POST', path, body)
  }

  async send(method: 'POST' | 'PUT', path: string, body: unknown): Promise<PlatformReply> {
    for (let attempt = 1; ; attempt++) {
      this.calls++
      try {
        const res = await this.pool.request({
          method,
          path,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        const text = await res.body.text()
        const parsed = text ? (JSON.parse(text) as PlatformReply['body']) : {}
        const transient = res.statusCode === 429 || res.statusCode >= 500
        if (!transient || attempt >= this.attempts) {
          if (transient) this.failures++
          return { status: res.statusCode, body: parsed }
        }
        // a shedding platform says when to come back (Retry-After, seconds): no sooner
        const retryAfterMs = Number(res.headers['retry-after']) * 1000
        if (retryAfterMs > 0) {
          await sleep(Math.max(retryAfterMs, this.backoffMs * 2 ** (attempt - 1)))
          continue
        }
      } catch (err) {
        if (attempt >= this.attempts) {
          this.failures++
          return { status: 0, body: { code: 'NETWORK', message: (err as Error).message } }
        }
      }
      await sleep(this.backoffMs * 2 ** (attempt - 1))
    }
  }

  async close(): Promise<void> {
    await this.pool.close()
  }
}

const enc = encodeURIComponent
