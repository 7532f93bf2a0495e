import { type Calendar, getCalendar } from '@d11/rules/calendar'
import { SpoolWriter } from '@d11/store/spool'
import { Scheduler } from '@d11/time/scheduler'
import { SimClock, type WallSource } from '@d11/time/sim-clock'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { PlatformConfig } from '../config.ts'
import { afterSalePlugin } from '../rooms/after-sale/plugin.ts'
import { checkoutPlugin } from '../rooms/checkout/plugin.ts'
import { complaintsPlugin } from '../rooms/complaints/plugin.ts'
import { consultationPlugin } from '../rooms/consultation/plugin.ts'
import { fulfilmentPlugin } from '../rooms/fulfilment/plugin.ts'
import { priceProtectionPlugin } from '../rooms/price-protection/plugin.ts'
import { registrationPlugin } from '../rooms/registration/plugin.ts'
import { PlatformState, type ServiceDeps } from '../rooms/state.ts'
import { worldPlugin } from '../rooms/world/plugin.ts'
import { parseSimInstant } from '../sim-instant.ts'
import { EventSink, type SpoolLike } from '../sink.ts'
import { WebhookPusher } from '../webhooks.ts'

/**
 * Shared services of one platform instance, filled in by the plugins below in order; each room's
 * plugin (`rooms/<area>/plugin.ts`) adds its service to this interface.
 */
export interface Services {
  config: PlatformConfig
  calendar: Calendar
  clock: SimClock
  scheduler: Scheduler
  sink: EventSink
  webhooks: WebhookPusher
  /** The in-memory state every room's service reads and changes. */
  state: PlatformState
  /** What every room's service is built with besides the state. */
  deps: ServiceDeps
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

/** Config and the CAL-2 calendar it names. */
export const configPlugin = fp(
  async (app: FastifyInstance, opts: { config: PlatformConfig }) => {
    app.decorate('d11', { config: opts.config, calendar: getCalendar(opts.config.calendar) } as Services)
  },
  { name: 'd11-config' },
)

/** The simulated clock and the one deadline scheduler keyed on it. */
export const clockPlugin = fp(
  async (app: FastifyInstance, opts: { wall: WallSource }) => {
    const { config } = app.d11
    app.d11.clock = new SimClock(
      parseSimInstant(config.clockStart, 'clockStart'),
      config.clockRate,
      opts.wall,
    )
    app.d11.scheduler = new Scheduler(app.d11.clock, (err) =>
      app.log.error({ err }, 'deadline handler failed'),
    )
  },
  { name: 'd11-clock', dependencies: ['d11-config'] },
)

/** Event sink (to the spool) and webhook pushes to merchant services. */
export const eventsPlugin = fp(
  async (app: FastifyInstance, opts: { wall: WallSource; spool?: SpoolLike }) => {
    const { config, clock } = app.d11
    const spool =
      opts.spool ??
      (config.spoolDir
        ? new SpoolWriter({ dir: config.spoolDir, writerId: `platform-${config.runId}` })
        : null)
    app.d11.sink = new EventSink(config.runId, opts.wall, spool, 1000, (err) =>
      app.log.error({ err }, 'spool write failed'),
    )
    app.d11.webhooks = new WebhookPusher({
      attempts: config.webhookAttempts,
      backoffMs: config.webhookBackoffMs,
      timeoutMs: config.webhookTimeoutMs,
      now: () => clock.now(),
      wallNow: opts.wall,
      sink: app.d11.sink,
      resolveUrl: (id) => app.d11.state?.merchants.get(id)?.webhookUrl,
    })
  },
  { name: 'd11-events', dependencies: ['d11-clock'] },
)

/** The in-memory platform state; its close hook stops deadlines, then pushes, then flushes events. */
export const statePlugin = fp(
  async (app: FastifyInstance) => {
    const { config, calendar, clock, scheduler, sink, webhooks } = app.d11
    app.d11.state = new PlatformState()
    app.d11.deps = {
      config,
      calendar,
      now: () => clock.now(),
      scheduler,
      sink,
      push: (merchantId, type, data) => webhooks.push(merchantId, type, data),
    }
    app.addHook('onClose', async () => {
      scheduler.close()
      await webhooks.close()
      // Nothing accepted is lost: every buffered row reaches the spool before close resolves.
      await sink.close()
    })
  },
  { name: 'd11-state', dependencies: ['d11-events'] },
)

/** One service per area of the platform (the rooms), each a plugin on the state. */
export const roomsPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(registrationPlugin)
    await app.register(worldPlugin)
    await app.register(fulfilmentPlugin)
    await app.register(checkoutPlugin)
    await app.register(afterSalePlugin)
    await app.register(complaintsPlugin)
    await app.register(priceProtectionPlugin)
    await app.register(consultationPlugin)
  },
  { name: 'd11-rooms', dependencies: ['d11-state'] },
)

/** Registers the service plugins in dependency order. */
export const servicesPlugin = fp(
  async (app: FastifyInstance, opts: ServicesOptions) => {
    const wall = opts.wall ?? Date.now
    await app.register(configPlugin, { config: opts.config })
    await app.register(clockPlugin, { wall })
    await app.register(eventsPlugin, opts.spool ? { wall, spool: opts.spool } : { wall })
    await app.register(statePlugin)
    await app.register(roomsPlugin)
  },
  { name: 'd11-services' },
)
