import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors, OrderParams, RefundView } from '../../schemas.ts'
import { DecideBody, RefundBody, RefundParams } from './schemas.ts'

/** Buyer refund request (PAY-8). */
export const buyer: FastifyPluginAsyncTypebox = async (app) => {
  const { afterSale, clock } = app.d11
  app.post(
    '/orders/:orderId/refund',
    {
      schema: {
        tags: ['buyer'],
        description:
          'Request a refund: approved at once while unshipped (PAY-8), else pushed to the merchant as refund.requested.',
        params: OrderParams,
        body: RefundBody,
        response: { 200: RefundView, ...errors },
      },
    },
    async (req) => afterSale.requestRefund(req.params.orderId, clock.now()),
  )
}

/** Merchant refund decision. */
export const merchant: FastifyPluginAsyncTypebox = async (app) => {
  const { afterSale, clock } = app.d11
  app.post(
    '/:merchantId/refunds/:refundId/decide',
    {
      schema: {
        tags: ['merchant'],
        description: 'Approve or reject a pending refund. Example: {"approve":true}',
        params: RefundParams,
        body: DecideBody,
        response: { 200: RefundView, ...errors },
      },
    },
    async (req) =>
      afterSale.decideRefund(req.params.merchantId, req.params.refundId, req.body.approve, clock.now()),
  )
}
