import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { fail } from '../../errors.ts'
import { CartBody, errors, OrderParams, OrderView, PlaceReply, QuoteReply } from '../../schemas.ts'
import { orderView } from '../views.ts'
import { IdempotencyHeaders, PayBody, StockBody, StockParams, StockReply } from './schemas.ts'

/** Buyer checkout: quote, order (idempotent), read an order, pay. */
export const buyer: FastifyPluginAsyncTypebox = async (app) => {
  const { checkout, state, config, clock } = app.d11
  const tags = ['buyer']

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
    async (req) => checkout.quote(req.body, clock.now()),
  )

  app.post(
    '/orders',
    {
      schema: {
        tags,
        description:
          'Place an order (split per SKU): registration, SHIP-5 region, stock per the oversell policy. Send an Idempotency-Key header to make retries safe.',
        headers: IdempotencyHeaders,
        body: CartBody,
        response: { 201: PlaceReply, ...errors },
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key']
      if (key) {
        const seen = state.idempotency.get(key)
        const body = JSON.stringify(req.body)
        if (seen) {
          if (seen.body !== body)
            fail('PLAT_ERR_IDEMPOTENCY', 'headers.idempotency-key', `key ${key} was used with another body`)
          reply.header('idempotent-replay', 'true')
          return reply.code(201).send(seen.response as never)
        }
        const res = checkout.placeOrder(req.body, clock.now())
        state.idempotency.set(key, { body, status: 201, response: res })
        // Bounded memory: forget the oldest key past the limit (Map keeps insertion order).
        if (state.idempotency.size > config.idempotencyKeys) {
          const oldest = state.idempotency.keys().next().value
          if (oldest !== undefined) state.idempotency.delete(oldest)
        }
        return reply.code(201).send(res)
      }
      return reply.code(201).send(checkout.placeOrder(req.body, clock.now()))
    },
  )

  app.get(
    '/orders/:orderId',
    { schema: { tags, params: OrderParams, response: { 200: OrderView, ...errors } } },
    async (req) => orderView(state.order(req.params.orderId)),
  )

  app.post(
    '/orders/:orderId/pay',
    {
      schema: {
        tags,
        description:
          'Pay: `spot` for spot/daily orders; `deposit` then `final` (inside the final-payment window, CAL-1) for presale. Example: {"stage":"spot"}',
        params: OrderParams,
        body: PayBody,
        response: { 200: OrderView, ...errors },
      },
    },
    async (req) => checkout.pay(req.params.orderId, req.body.stage, clock.now()),
  )
}

/** Merchant stock publication (the `lagging` policy's input). */
export const merchant: FastifyPluginAsyncTypebox = async (app) => {
  const { checkout, clock } = app.d11

  app.put(
    '/:merchantId/skus/:skuId/stock',
    {
      schema: {
        tags: ['merchant'],
        description:
          "Publish the merchant's stock view: the units it still has to sell. Under the `lagging` oversell policy the platform reserves against the last published figure (less the units it sells after), so units sold inside the merchant's sync lag are sold again and the orders past physical stock are marked oversold (PAY-3). Under `strict` (a buffered oversellShare included) the publication is recorded only. The policy is each merchant's own (its profile's), else the platform's default. Example: {\"available\":120}",
        params: StockParams,
        body: StockBody,
        response: { 200: StockReply, ...errors },
      },
    },
    async (req) =>
      checkout.publishStock(req.params.merchantId, req.params.skuId, req.body.available, clock.now()),
  )
}
