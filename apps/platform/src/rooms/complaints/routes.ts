import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ComplaintView, errors, OrderParams } from '../../schemas.ts'
import { AppealBody, AppealReply, ComplaintBody, ComplaintParams, HandleBody } from './schemas.ts'

/** Buyer complaint (PAY-5 starts its 48 h). */
export const buyer: FastifyPluginAsyncTypebox = async (app) => {
  const { complaints, clock } = app.d11
  app.post(
    '/orders/:orderId/complaints',
    {
      schema: {
        tags: ['buyer'],
        description:
          'File a complaint; the merchant has 48 h to handle it (PAY-5). Example: {"reason":"late_shipment"}',
        params: OrderParams,
        body: ComplaintBody,
        response: { 200: ComplaintView, ...errors },
      },
    },
    async (req) => complaints.fileComplaint(req.params.orderId, req.body.reason, clock.now()),
  )
}

/** Merchant complaint handling (PAY-5) and appeal (PAY-7). */
export const merchant: FastifyPluginAsyncTypebox = async (app) => {
  const { complaints, clock } = app.d11
  const tags = ['merchant']

  app.post(
    '/:merchantId/complaints/:complaintId/handle',
    {
      schema: {
        tags,
        description:
          'Handle a complaint within 48 h (PAY-5): accept (pays when founded) or dispute (the platform judges the facts). Example: {"action":"accept"}',
        params: ComplaintParams,
        body: HandleBody,
        response: { 200: ComplaintView, ...errors },
      },
    },
    async (req) =>
      complaints.handleComplaint(req.params.merchantId, req.params.complaintId, req.body.action, clock.now()),
  )

  app.post(
    '/:merchantId/complaints/:complaintId/appeal',
    {
      schema: {
        tags,
        description:
          'Appeal an upheld complaint: once per dispute, within 30 days (PAY-7). Example: {"reason":"picked up on time"}',
        params: ComplaintParams,
        body: AppealBody,
        response: { 200: AppealReply, ...errors },
      },
    },
    async (req) => complaints.appeal(req.params.merchantId, req.params.complaintId, clock.now()),
  )
}
