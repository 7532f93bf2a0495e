import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { fail } from '../errors.ts'
import {
  CartBody,
  ComplaintView,
  errors,
  Id,
  OrderParams,
  OrderView,
  PlaceReply,
  QuoteReply,
  RefundView,
} from '../schemas.ts'

const tags = ['buyer']

/** Buyer API: quote, order, pay, consult, refund, complain, claim price protection. */
export const buyerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { platform, clock } = app.d11
  app.addHook('preHandler', async () => platform.requireWorld())

  app.post(
    '/cart/quote',
    {
      schema: {
        tags,
        description:
          'To-hand price of a cart (PRICE-3 cross-store coupon apportioned, PRICE-4). Example: {"buyerId":"b-00000001","kind":"spot","items":[{"skuId":"s-00000001","quantity":1}]}',
        body: CartBody,
        response: { 200: QuoteReply, ...errors },
      },
    },
    async (req) => platform.quote(req.body, clock.now()),
  )

  app.post(
    '/orders',
    {
      schema: {
        tags,
        description:
          'Place an order (split per SKU): registration, SHIP-5 region, stock per the oversell policy. Send an Idempotency-Key header to make retries safe.',
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
        }),
        body: CartBody,
        response: { 201: PlaceReply, ...errors },
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key']
      if (key) {
        const seen = platform.idempotency.get(key)
        const body = JSON.stringify(req.body)
        if (seen) {
          if (seen.body !== body)
            fail('PLAT_ERR_IDEMPOTENCY', 'headers.idempotency-key', `key ${key} was used with another body`)
          reply.header('idempotent-replay', 'true')
          return reply.code(201).send(seen.response as never)
        }
        const res = platform.placeOrder(req.body, clock.now())
        platform.idempotency.set(key, { body, status: 201, response: res })
        // Bounded memory: forget the oldest key past the limit (Map keeps insertion order).
        if (platform.idempotency.size > platform.config.idempotencyKeys) {
          const oldest = platform.idempotency.keys().next().value
          if (oldest !== undefined) platform.idempotency.delete(oldest)
        }
        return reply.code(201).send(res)
      }
      return reply.code(201).send(platform.placeOrder(req.body, clock.now()))
    },
  )

  app.get(
    '/orders/:orderId',
    { schema: { tags, params: OrderParams, response: { 200: OrderView, ...errors } } },
    async (req) => platform.orderView(platform.order(req.params.orderId)),
  )

  app.post(
    '/orders/:orderId/pay',
    {
      schema: {
        tags,
        description:
          'Pay: `spot` for spot/daily orders; `deposit` then `final` (inside the final-payment window, CAL-1) for presale. Example: {"stage":"spot"}',
        params: OrderParams,
        body: Type.Object({
          stage: Type.Union([Type.Literal('deposit'), Type.Literal('final'), Type.Literal('spot')]),
        }),
        response: { 200: OrderView, ...errors },
      },
    },
    async (req) => platform.pay(req.params.orderId, req.body.stage, clock.now()),
  )

  app.post(
    '/consultations',
    {
      schema: {
        tags,
        description:
          'Send a consultation message to a merchant (pushed as consultation.message). Example: {"buyerId":"b-00000001","merchantId":"m-000001","text":"When will it ship?"}',
        body: Type.Object({
          buyerId: Id,
          merchantId: Id,
          orderId: Type.Optional(Id),
          consultationId: Type.Optional(Id),
          text: Type.String({ minLength: 1, maxLength: 2000 }),
        }),
        response: {
          200: Type.Object({ consultationId: Type.String(), messages: Type.Integer() }),
          ...errors,
        },
      },
    },
    async (req) => platform.message(req.body, clock.now()),
  )

  app.post(
    '/orders/:orderId/refund',
    {
      schema: {
        tags,
        description:
          'Request a refund: approved at once while unshipped (PAY-8), else pushed to the merchant as refund.requested.',
        params: OrderParams,
        body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 200: RefundView, ...errors },
      },
    },
    async (req) => platform.requestRefund(req.params.orderId, clock.now()),
  )

  app.post(
    '/orders/:orderId/complaints',
    {
      schema: {
        tags,
        description:
          'File a complaint; the merchant has 48 h to handle it (PAY-5). Example: {"reason":"late_shipment"}',
        params: OrderParams,
        body: Type.Object({ reason: Type.Union([Type.Literal('late_shipment'), Type.Literal('other')]) }),
        response: { 200: ComplaintView, ...errors },
      },
    },
    async (req) => platform.fileComplaint(req.params.orderId, req.body.reason, clock.now()),
  )

  app.post(
    '/orders/:orderId/price-protection',
    {
      schema: {
        tags,
        description: 'Claim the difference to a lower current to-hand price of the same SKU (PRICE-5).',
        params: OrderParams,
        body: Type.Object({}),
        response: {
          200: Type.Object({ orderId: Type.String(), amountFen: Type.Integer(), ruleId: Type.String() }),
          ...errors,
        },
      },
    },
    async (req) => platform.claimPriceProtection(req.params.orderId, clock.now()),
  )
}
