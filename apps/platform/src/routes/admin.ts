import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { formatSimInstant, parseSimInstant } from '../clock.ts'
import { fail } from '../errors.ts'
import * as consultation from '../rooms/consultation/routes.ts'
import * as world from '../rooms/world/routes.ts'
import { errors, Iso } from '../schemas.ts'

const ClockView = Type.Object({
  simTime: Type.String({ description: 'ISO +08:00' }),
  simTimeMs: Type.Number(),
  rate: Type.Number(),
  pendingDeadlines: Type.Integer(),
  firedDeadlines: Type.Integer(),
})

const Row = Type.Object({}, { additionalProperties: true })
const tags = ['admin']

/** The simulated clock: read, set, advance. */
const clockRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { clock, scheduler, sink } = app.d11
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
}

/** Admin routes: clock, events, flush, health; the world's (load, reset, webhooks) and SLA rooms' admin routes. */
export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { state, sink } = app.d11
  await app.register(clockRoutes)

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
          200: Type.Object({ ok: Type.Boolean(), inFlight: Type.Integer(), orders: Type.Integer() }),
          ...errors,
        },
      },
    },
    async () => ({ ok: true, inFlight: app.inFlight(), orders: state.orders.size }),
  )

  await app.register(world.admin)
  await app.register(consultation.admin)
}
