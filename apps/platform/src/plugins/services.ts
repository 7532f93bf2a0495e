import { SpoolWriter } from '@d11/store/spool'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { parseSimInstant, SimClock, type WallSource } from '../clock.ts'
import type { PlatformConfig } from '../config.ts'
import { Platform } from '../platform.ts'
import { type Calendar, loadCalendar } from '../rules-port.ts'
import { Scheduler } from '../scheduler.ts'
import { EventSink, type SpoolLike } from '../sink.ts'
import { WebhookPusher } from '../webhooks.ts'

/** Shared services of one platform instance. */
export interface Services {
  config: PlatformConfig
  calendar: Calendar
  clock: SimClock
  scheduler: Scheduler
  sink: EventSink
  webhooks: WebhookPusher
  platform: Platform
}

declare module 'fastify' {
  interface FastifyInstance {
    d11: Services
  }
}

export interface ServicesOptions {
  config: PlatformConfig
  wall?: WallSource
  spool?: SpoolLike
}

/** Decorates `app.d11` with config, clock, scheduler, event sink, webhooks and state; closes them in order. */
export const servicesPlugin = fp(
  async (app: FastifyInstance, opts: ServicesOptions) => {
    const { config } = opts
    const wall = opts.wall ?? Date.now
    const calendar = loadCalendar(config.calendar)
    const clock = new SimClock(parseSimInstant(config.clockStart, 'clockStart'), config.clockRate, wall)
    const scheduler = new Scheduler(clock, (err) => app.log.error({ err }, 'deadline handler failed'))
    const spool =
      opts.spool ??
      (config.spoolDir
        ? new SpoolWriter({ dir: config.spoolDir, writerId: `platform-${config.runId}` })
        : null)
    const sink = new EventSink(config.runId, wall, spool, 1000, (err) =>
      app.log.error({ err }, 'spool write failed'),
    )
    let platformRef: Platform | undefined
    const webhooks = new WebhookPusher({
      resolveUrl: (id) => platformRef?.merchants.get(id)?.webhookUrl,
      attempts: config.webhookAttempts,
      backoffMs: config.webhookBackoffMs,
      timeoutMs: config.webhookTimeoutMs,
      now: () => clock.now(),
      wallNow: wall,
      sink,
    })
    const platform = new Platform({
      config,
      calendar,
      now: () => clock.now(),
      scheduler,
      sink,
      push: (merchantId, type, data) => webhooks.push(merchantId, type, data),
    })
    platformRef = platform
    app.decorate('d11', { config, calendar, clock, scheduler, sink, webhooks, platform })
    app.addHook('onClose', async () => {
      scheduler.close()
      await webhooks.close()
      // Nothing accepted is lost: every buffered row reaches the spool before close resolves.
      await sink.close()
    })
  },
  { name: 'd11-services' },
)
