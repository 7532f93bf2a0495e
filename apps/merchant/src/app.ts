/**
 * The reference merchant service: Fastify + TypeBox. `POST /webhooks` accepts the platform's pushes
 * (apps/platform/WEBHOOKS.md), idempotent by delivery id; the service answers them by calling the
 * platform's merchant API at the simulated instants its capacity profile dictates. The OpenAPI
 * document (`GET /openapi.json`, and openapi.json in this folder) is generated from the schemas.
 */

import type { Profile } from '@d11/merchant-model/profile'
import type { SimClockLike } from '@d11/time/sim-clock'
import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import Type from 'typebox'
import { PlatformClient, type PlatformClientOptions } from './platform-client.ts'
import { PlatformClock } from './platform-clock.ts'
import { ErrorReply, WebhookAck, WebhookEnvelope } from './schemas.ts'
import { MerchantService } from './service.ts'

export interface MerchantAppOptions {
  /** A validated profile (`loadProfile('prepared')`). */
  profile: Profile
  /** Per-merchant profiles (a population); merchants not in it run `profile`. @default none */
  profiles?: ReadonlyMap<string, Profile>
  /** Base URL of the platform, e.g. `http://127.0.0.1:3000`. */
  platformUrl: string
  /** Simulated clock; by default the platform clock, polled every `clockPollMs`. */
  clock?: SimClockLike
  /** @default 100 */
  clockPollMs?: number
  /** Physical stock per SKU id; without it the platform's `oversold` flag decides. */
  stock?: Iterable<[string, number]>
  /** Journal of accepted pushes, replayed on start so a restart loses nothing acked. @default none */
  journalPath?: string
  /** Outgoing calls to the platform. */
  client?: PlatformClientOptions
  /** Do not call the platform at all (benchmarks of push handling). @default false */
  dryRun?: boolean
  /** Fastify logger. @default false */
  logger?: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    merchant: MerchantService
  }
}

const tags = ['webhooks']

/** Build the merchant service. `app.close()` stops the clock polling and waits for calls in flight. */
export async function buildMerchantApp(opts: MerchantAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Double11 Lab merchant service webhooks',
        version: '0.1.0',
        description:
          'What a merchant service must accept so d11 can drive it: the platform pushes each event as POST <webhook url> with a JSON envelope, at least once; answer 2xx to acknowledge. Deliveries are retried with backoff until acknowledged, so de-duplicate on `id`.',
      },
      tags: [{ name: 'webhooks' }, { name: 'ops' }],
    },
  })

  const polled = opts.clock
    ? undefined
    : await PlatformClock.connect(opts.platformUrl, opts.clockPollMs ?? 100)
  const clock = opts.clock ?? polled!
  const client = opts.dryRun ? null : new PlatformClient(opts.platformUrl, opts.client)
  const service = new MerchantService({
    profile: opts.profile,
    ...(opts.profiles ? { profiles: opts.profiles } : {}),
    clock,
    client,
    ...(opts.stock ? { stock: opts.stock } : {}),
    ...(opts.journalPath ? { journalPath: opts.journalPath } : {}),
    onError: (err) => app.log.error({ err }, 'platform call failed'),
  })
  app.decorate('merchant', service)
  app.addHook('onClose', async () => {
    polled?.stop()
    await service.close()
    await client?.close()
  })

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation) {
      const v = err.validation[0]
      const field = [err.validationContext, ...(v?.instancePath ?? '').split('/').filter(Boolean)].join('.')
      return reply.code(400).send({
        code: 'MERCH_ERR_PUSH_INVALID',
        ruleId: '',
        field,
        message: `${field} ${v?.message ?? 'is invalid'}`,
      })
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply
        .code(err.statusCode)
        .send({ code: 'MERCH_ERR_PUSH_INVALID', ruleId: '', field: 'body', message: err.message })
    }
    req.log.error({ err }, 'unhandled error')
    return reply
      .code(500)
      .send({ code: 'MERCH_ERR_INTERNAL', ruleId: '', field: '', message: 'internal error' })
  })

  app.post(
    '/webhooks',
    {
      schema: {
        tags,
        summary: 'Receive a platform push',
        description:
          'One endpoint for every event type (`order.paid`, `consultation.message`, `refund.requested`, `complaint.filed`), discriminated by `type`. Idempotent by `id`: a repeated delivery is acknowledged as a no-op.',
        body: WebhookEnvelope,
        response: { 200: WebhookAck, 400: ErrorReply, 500: ErrorReply },
      },
    },
    async (req) => ({ ok: true, ...service.accept(req.body) }),
  )

  app.get(
    '/health',
    {
      schema: {
        tags: ['ops'],
        response: {
          200: Type.Object({ ok: Type.Boolean(), profile: Type.String(), simTime: Type.Number() }),
        },
      },
    },
    async () => ({ ok: true, profile: opts.profile.name, simTime: clock.now() }),
  )

  app.get(
    '/stats',
    {
      schema: {
        tags: ['ops'],
        description:
          'Counters: pushes, duplicates, actions taken, oversold orders, replies by mode, open orders.',
        response: { 200: Type.Object({}, { additionalProperties: true }) },
      },
    },
    async () => service.snapshot(),
  )

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  return app
}
