import { randomUUID } from 'node:crypto'
import { request } from 'undici'
import type { WebhookType } from './rooms/state.ts'
import type { EventSink } from './sink.ts'

export interface WebhookOptions {
  attempts: number
  backoffMs: number
  timeoutMs: number
  now: () => number
  wallNow: () => number
  sink: EventSink
  /** The merchant's webhook URL (world `webhookUrl`, or set by POST /admin/webhooks). */
  resolveUrl: (merchantId: string) => string | null | undefined
}

/** Payload of every push (WEBHOOKS.md). */
export interface WebhookEnvelope {
  id: string
  type: WebhookType
  merchantId: string
  simTime: number
  wallTime: number
  data: Record<string, unknown>
}

/**
 * At-least-once push to merchant services: `POST <url>` with a JSON envelope; any 2xx is an ack.
 * Failures are retried with exponential backoff (backoffMs × 2^attempt). Never blocks the request
 * that caused it. Ack latency and failures are recorded as events.
 */
export class WebhookPusher {
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly inFlight = new Set<Promise<void>>()
  private closed = false
  delivered = 0
  failed = 0

  constructor(private readonly opts: WebhookOptions) {}

  push(merchantId: string, type: WebhookType, data: Record<string, unknown>): void {
    const url = this.opts.resolveUrl(merchantId)
    if (!url || this.closed) return
    // The delivery id identifies the push across retries, so receivers can de-duplicate.
    const env: WebhookEnvelope = {
      id: randomUUID(),
      type,
      merchantId,
      simTime: this.opts.now(),
      wallTime: this.opts.wallNow(),
      data,
    }
    this.attempt(url, env, 1)
  }

  private attempt(url: string, env: WebhookEnvelope, n: number): void {
    const started = this.opts.wallNow()
    const p = this.send(url, env).then(
      (status) => {
        if (status >= 200 && status < 300) {
          this.delivered += 1
          this.record('webhook.acked', env, { attempt: n, status, latencyMs: this.opts.wallNow() - started })
        } else this.retry(url, env, n, `status ${status}`)
      },
      (err: unknown) => this.retry(url, env, n, err instanceof Error ? err.message : String(err)),
    )
    this.inFlight.add(p)
    void p.finally(() => this.inFlight.delete(p))
  }

  private async send(url: string, env: WebhookEnvelope): Promise<number> {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-d11-delivery': env.id, 'x-d11-event': env.type },
      body: JSON.stringify(env),
      headersTimeout: this.opts.timeoutMs,
      bodyTimeout: this.opts.timeoutMs,
    })
    await res.body.dump()
    return res.statusCode
  }

  private retry(url: string, env: WebhookEnvelope, n: number, reason: string): void {
    if (n >= this.opts.attempts || this.closed) {
      this.failed += 1
      this.record('webhook.failed', env, { attempt: n, reason, final: true })
      return
    }
    this.record('webhook.retry', env, { attempt: n, reason })
    const timer = setTimeout(
      () => {
        this.timers.delete(timer)
        this.attempt(url, env, n + 1)
      },
      this.opts.backoffMs * 2 ** (n - 1),
    )
    timer.unref()
    this.timers.add(timer)
  }

  private record(kind: string, env: WebhookEnvelope, detail: Record<string, unknown>): void {
    this.opts.sink.event({
      kind,
      simTime: this.opts.now(),
      merchantId: env.merchantId,
      detail: { deliveryId: env.id, type: env.type, ...detail },
    })
  }

  /** Waits for deliveries in flight (not for scheduled retries). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
  }

  async close(): Promise<void> {
    this.closed = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    await this.idle()
  }
}
