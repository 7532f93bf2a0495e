import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { formatSimInstant, parseSimInstant } from '../clock.ts'
import { fail } from '../errors.ts'
import { errors, Id, Iso } from '../schemas.ts'
import { loadWorldDir, loadWorldNdjson } from '../world.ts'

const ClockView = Type.Object({
  simTime: Type.String({ description: 'ISO +08:00' }),
  simTimeMs: Type.Number(),
  rate: Type.Number(),
  pendingDeadlines: Type.Integer(),
  firedDeadlines: Type.Integer(),
})

const WorldResult = Type.Object({
  merchants: Type.Integer(),
  skus: Type.Integer(),
  freeShippingViolations: Type.Integer({ description: 'SHIP-6 listings (events kind listing.violation)' }),
  buyers: Type.Integer(),
  registrations: Type.Object({
    accepted: Type.Integer(),
    rejected: Type.Integer(),
    unexpected: Type.Integer(),
  }),
})

const Row = Type.Object({}, { additionalProperties: true })

const PressureView = Type.Object(
  {
    eventLoopDelayMs: Type.Number(),
    eventLoopUtilization: Type.Number(),
    heapUsedBytes: Type.Number(),
    rssBytes: Type.Number(),
    underPressure: Type.Boolean(),
    shed: Type.Integer({ description: '503 PLAT_ERR_SHED answered since start' }),
    overloaded: Type.Integer({ description: '503 PLAT_ERR_OVERLOADED answered since start' }),
    inFlight: Type.Integer(),
    limits: Type.Object({
      maxEventLoopDelayMs: Type.Number(),
      maxEventLoopUtilization: Type.Number(),
      maxInFlight: Type.Integer(),
    }),
  },
  { description: 'Load-shedding figures of the last sample (plugins/overload.ts)' },
)
const tags = ['admin']

/** Admin routes: clock, world, reset, webhooks, events. */
export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { clock, scheduler, platform, sink } = app.d11
  const clockView = () => ({
    simTime: formatSimInstant(clock.now()),
    simTimeMs: clock.now(),
    rate: clock.rate,
    pendingDeadlines: scheduler.size,
    firedDeadlines: scheduler.fired,
  })

  app.get('/clock', { schema: { tags, response: { 200: ClockView, ...errors } } }, async () => clockView())

  app.post(
    '/clock',
    {
      schema: {
        tags,
        description:
          'Set the simulated clock: sim = start + (wall − wallAtSet) × rate. Omit `start` to change only the rate (re-anchors). Example: {"start":"2020-11-01T00:00:00+08:00","rate":60}',
        body: Type.Object({
          start: Type.Optional(Iso),
          rate: Type.Optional(Type.Number({ minimum: 0, maximum: 1e7, description: 'sim ms per wall ms' })),
        }),
        response: { 200: ClockView, ...errors },
      },
    },
    async (req) => {
      const start = req.body.start === undefined ? undefined : parseSimInstant(req.body.start, 'body.start')
      clock.set(start, req.body.rate)
      sink.event({ kind: 'clock.set', simTime: clock.now(), detail: { rate: clock.rate } })
      return clockView()
    },
  )

  app.post(
    '/clock/advance',
    {
      schema: {
        tags,
        description:
          'Jump simulated time forward by `ms` or to `to`, firing every deadline due. Example: {"ms":172800000}',
        body: Type.Object({
          ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 366 * 86_400_000 })),
          to: Type.Optional(Iso),
        }),
        response: { 200: ClockView, ...errors },
      },
    },
    async (req) => {
      const now = clock.now()
      const target =
        req.body.to !== undefined ? parseSimInstant(req.body.to, 'body.to') : now + (req.body.ms ?? 0)
      if (target < now) fail('PLAT_ERR_CLOCK', 'body.to', 'the simulated clock only moves forward')
      clock.advance(target - now)
      return clockView()
    },
  )

  app.post(
    '/world',
    {
      schema: {
        tags,
        description:
          'Load a generated world: JSON {"dir": "<world directory>"} or an application/x-ndjson upload of {"kind","row"} lines. Replaces the current state.',
        body: {
          content: {
            'application/json': {
              schema: Type.Object({ dir: Type.String({ minLength: 1, maxLength: 4096 }) }),
            },
            'application/x-ndjson': { schema: Type.String() },
          },
        },
        response: { 200: WorldResult, ...errors },
      },
    },
    async (req) => {
      platform.reset()
      sink.clearRecent()
      const body = req.body as { dir: string } | string
      return typeof body === 'string'
        ? loadWorldNdjson(platform, body)
        : await loadWorldDir(platform, body.dir)
    },
  )

  app.post(
    '/reset',
    {
      schema: {
        tags,
        description: 'Drop all state (world, orders, deadlines).',
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...errors },
      },
    },
    async () => {
      platform.reset()
      sink.clearRecent()
      return { ok: true }
    },
  )

  app.post(
    '/webhooks',
    {
      schema: {
        tags,
        description:
          'Override a merchant\'s webhook URL ("*" = every merchant; null removes); overrides survive a world reload or reset. Example: {"merchantId":"m-000001","url":"http://127.0.0.1:4000/hooks"}',
        body: Type.Object({
          merchantId: Type.Union([Id, Type.Literal('*')]),
          url: Type.Union([
            Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 }),
            Type.Null(),
          ]),
        }),
        response: { 200: Type.Object({ updated: Type.Integer() }), ...errors },
      },
    },
    async (req) => {
      const { merchantId, url } = req.body
      return { updated: platform.setWebhook(merchantId, url) }
    },
  )

  app.get(
    '/events',
    {
      schema: {
        tags,
        description:
          'The most recent rows sent to the spool (ring of 20 000), filtered. Example: /admin/events?table=payouts',
        querystring: Type.Object({
          table: Type.Optional(
            Type.Union([Type.Literal('events'), Type.Literal('sla_verdicts'), Type.Literal('payouts')]),
          ),
          kind: Type.Optional(Type.String({ maxLength: 64 })),
          ruleId: Type.Optional(Type.String({ maxLength: 16 })),
          limit: Type.Integer({ minimum: 1, maximum: 20_000, default: 1000 }),
        }),
        response: {
          200: Type.Object({ counts: Type.Record(Type.String(), Type.Integer()), rows: Type.Array(Row) }),
          ...errors,
        },
      },
    },
    async (req) => {
      const q = req.query
      const rows = []
      for (const r of sink.recent()) {
        if (q.table && r.table !== q.table) continue
        const row = r.row as unknown as Record<string, unknown>
        if (q.kind && row.kind !== q.kind) continue
        if (q.ruleId && row.rule_id !== q.ruleId) continue
        rows.push({ table: r.table, ...row })
      }
      return { counts: { ...sink.counts }, rows: rows.slice(-q.limit) }
    },
  )

  app.post(
    '/sla/evaluate',
    {
      schema: {
        tags,
        description:
          'Write EXP-1 reply_rate, EXP-2 manual_response_time and EXP-3 experience_score verdicts for every merchant now (thresholds from the ruleset in force).',
        response: { 200: Type.Object({ verdicts: Type.Integer() }), ...errors },
      },
    },
    async () => {
      platform.requireWorld()
      return { verdicts: platform.evaluateSla(clock.now()) }
    },
  )

  app.post(
    '/flush',
    {
      schema: {
        tags,
        description: 'Write every buffered event to the spool now.',
        response: { 200: Type.Object({ counts: Type.Record(Type.String(), Type.Integer()) }), ...errors },
      },
    },
    async () => {
      await sink.flush()
      return { counts: { ...sink.counts } }
    },
  )

  app.get(
    '/health',
    {
      schema: {
        tags,
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            inFlight: Type.Integer(),
            orders: Type.Integer(),
            pressure: PressureView,
          }),
          ...errors,
        },
      },
    },
    async () => ({
      ok: true,
      inFlight: app.inFlight(),
      orders: platform.orders.size,
      pressure: app.pressure(),
    }),
  )
}
