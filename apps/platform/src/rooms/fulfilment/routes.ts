import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { parseSimInstant } from '../../clock.ts'
import { errors, MerchantOrderParams, MerchantParams, OrderView } from '../../schemas.ts'
import type { OrderStatus } from '../state.ts'
import { listOrders } from '../views.ts'
import { DelayReportBody, NegotiateBody, OrderList, OrderListQuery } from './schemas.ts'

/** Merchant fulfilment: pull orders, pickup, trace, negotiated ship time, delay report. */
export const merchant: FastifyPluginAsyncTypebox = async (app) => {
  const { fulfilment, state, clock } = app.d11
  const tags = ['merchant']

  app.get(
    '/:merchantId/orders',
    {
      schema: {
        tags,
        description: 'Pull orders, oldest first. Example: /merchant/m-000001/orders?status=paid&limit=100',
        params: MerchantParams,
        querystring: OrderListQuery,
        response: { 200: OrderList, ...errors },
      },
    },
    async (req) =>
      listOrders(
        state,
        req.params.merchantId,
        req.query.status as OrderStatus | undefined,
        req.query.offset,
        req.query.limit,
      ),
  )

  app.post(
    '/:merchantId/orders/:orderId/pickup',
    {
      schema: {
        tags,
        description:
          'Carrier pickup (SHIP-1: within 48 h of payment, or the negotiated time); starts the 24 h trace deadline.',
        params: MerchantOrderParams,
        response: { 200: OrderView, ...errors },
      },
    },
    async (req) => fulfilment.pickup(req.params.merchantId, req.params.orderId, clock.now()),
  )

  app.post(
    '/:merchantId/orders/:orderId/trace',
    {
      schema: {
        tags,
        description: 'Logistics trace update (SHIP-2: within 24 h of pickup).',
        params: MerchantOrderParams,
        response: { 200: OrderView, ...errors },
      },
    },
    async (req) => fulfilment.trace(req.params.merchantId, req.params.orderId, clock.now()),
  )

  await app.register(shipTimeRoutes)
}

/** SHIP-3 negotiated and SHIP-4 reported ship times: both replace the pickup deadline. */
const shipTimeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { fulfilment, clock } = app.d11
  const tags = ['merchant']

  app.post(
    '/:merchantId/orders/:orderId/negotiate',
    {
      schema: {
        tags,
        description:
          'Agreed new ship time replaces the deadline (SHIP-3). Example: {"shipBy":"2020-11-05T10:00:00+08:00"}',
        params: MerchantOrderParams,
        body: NegotiateBody,
        response: { 200: OrderView, ...errors },
      },
    },
    async (req) =>
      fulfilment.negotiate(
        req.params.merchantId,
        req.params.orderId,
        parseSimInstant(req.body.shipBy, 'body.shipBy'),
        clock.now(),
      ),
  )

  app.post(
    '/:merchantId/orders/:orderId/delay-report',
    {
      schema: {
        tags,
        description:
          'File a delay report (SHIP-4), refused inside the no-auto-compensation window. Example: {"shipBy":"2020-11-25T10:00:00+08:00","reason":"weather"}',
        params: MerchantOrderParams,
        body: DelayReportBody,
        response: { 200: OrderView, ...errors },
      },
    },
    async (req) =>
      fulfilment.delayReport(
        req.params.merchantId,
        req.params.orderId,
        parseSimInstant(req.body.shipBy, 'body.shipBy'),
        clock.now(),
      ),
  )
}
