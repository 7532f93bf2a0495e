import { setTimeout as sleep } from 'node:timers/promises'
import type { WallSource } from '@d11/time/sim-clock'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import { type PlatformConfig, resolveConfig } from './config.ts'
import { ERROR_CODES, PlatformError } from './errors.ts'
import { mulberry32, parseFault } from './fault.ts'
import { durableAcceptancePlugin } from './plugins/durable-acceptance.ts'
import { overloadPlugin } from './plugins/overload.ts'
import { type ServicesOptions, servicesPlugin } from './plugins/services.ts'
import { adminRoutes } from './routes/admin.ts'
import { buyerRoutes } from './routes/buyer.ts'
import { merchantRoutes } from './routes/merchant.ts'
import type { SpoolLike } from './sink.ts'

export interface BuildAppOptions {
  /** Overrides of DEFAULT_CONFIG (config.ts). */
  config?: Partial<PlatformConfig>
  /** Wall-clock source (tests). @default Date.now */
  wall?: WallSource
  /** Event spool; by default a SpoolWriter on `config.spoolDir`, or none. */
  spool?: SpoolLike
  /** Fastify logger. @default false */
  logger?: boolean
  /** Serve the OpenAPI UI at /docs. @default true */
  docs?: boolean
}

export type App = FastifyInstance

/** Build the mock platform. `app.close()` stops the scheduler and flushes every event to the spool. */
export async function buildApp(opts: BuildAppOptions = {}): Promise<App> {
  const config = resolveConfig(opts.config)
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 256 * 1024 * 1024,
    // querystrings arrive as text: coerce `?limit=100` to the integer the schema asks for
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  await app.register(swagger, {
    openapi: {
      info: { title: 'Double11 Lab mock Tmall platform', version: '0.1.0' },
      tags: [{ name: 'admin' }, { name: 'buyer' }, { name: 'merchant' }],
    },
  })
  if (opts.docs ?? true) await app.register(swaggerUi, { routePrefix: '/docs' })

  const services: ServicesOptions = { config }
  if (opts.wall) services.wall = opts.wall
  if (opts.spool) services.spool = opts.spool
  await app.register(servicesPlugin, services)
  await app.register(durableAcceptancePlugin)

  // Load shedding and the in-flight bound (503 + Retry-After), before any other request hook.
  await app.register(overloadPlugin, { config })
  const random = mulberry32(config.seed)
  app.addHook('onRequest', async (req, reply) => {
    const header = req.headers['x-d11-fault']
    if (typeof header === 'string' && header) {
      const fault = parseFault(header)
      if (fault.latencyMs > 0) await sleep(fault.latencyMs)
      if (fault.errorRate > 0 && random() < fault.errorRate) {
        const err = new PlatformError('PLAT_ERR_FAULT', 'headers.x-d11-fault')
        return reply.code(503).send(err.toBody())
      }
    }
  })
  app.addHook('preHandler', async () => app.d11.scheduler.tick())

  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  )

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof PlatformError) return reply.code(err.statusCode).send(err.toBody())
    if (err.validation) {
      const v = err.validation[0]
      const missing = (v?.params as { missingProperty?: string } | undefined)?.missingProperty
      const path = `${v?.instancePath ?? ''}${missing ? `/${missing}` : ''}`
        .split('/')
        .filter(Boolean)
        .join('.')
      const field = [err.validationContext, path].filter(Boolean).join('.')
      return reply.code(400).send({
        code: 'PLAT_ERR_VALIDATION',
        ruleId: '',
        field,
        message: missing ? `${field} is required` : `${field || 'request'} ${v?.message ?? 'is invalid'}`,
      })
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply
        .code(err.statusCode)
        .send({ code: 'PLAT_ERR_VALIDATION', ruleId: '', field: 'body', message: err.message })
    }
    req.log.error({ err }, 'unhandled error')
    // A 500 never leaks internals: no message, no stack.
    return reply.code(500).send({
      code: 'PLAT_ERR_INTERNAL',
      ruleId: '',
      field: '',
      message: ERROR_CODES.PLAT_ERR_INTERNAL.message,
    })
  })
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      code: 'PLAT_ERR_NOT_FOUND',
      ruleId: '',
      field: 'url',
      message: `no route ${req.method} ${req.url}`,
    }),
  )

  const routes: RouteInfo[] = []
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat())
      routes.push({ method, url: r.url, hasBody: Boolean(r.schema?.body) })
  })
  app.decorate('routeList', routes)
  await app.register(adminRoutes, { prefix: '/admin' })
  await app.register(buyerRoutes, { prefix: '/buyer' })
  await app.register(merchantRoutes, { prefix: '/merchant' })
  return app
}

/** A route of the platform as registered (for the fuzz test and tooling). */
export interface RouteInfo {
  method: string
  url: string
  hasBody: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    routeList: RouteInfo[]
  }
}
