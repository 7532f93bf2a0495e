import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { errors, MerchantParams } from '../../schemas.ts'
import { MessageBody, MessageReply, ReplyBody, ReplyParams, ReplyReply, SlaView } from './schemas.ts'

/** Buyer consultation messages (EXP-1). */
export const buyer: FastifyPluginAsyncTypebox = async (app) => {
  const { consultation, clock } = app.d11
  app.post(
    '/consultations',
    {
      schema: {
        tags: ['buyer'],
        description:
          'Send a consultation message to a merchant (pushed as consultation.message). Example: {"buyerId":"b-00000001","merchantId":"m-000001","text":"When will it ship?"}',
        body: MessageBody,
        response: { 200: MessageReply, ...errors },
      },
    },
    async (req) => consultation.message(req.body, clock.now()),
  )
}

/** Merchant replies (EXP-1/2) and the SLA dashboard. */
export const merchant: FastifyPluginAsyncTypebox = async (app) => {
  const { consultation, clock } = app.d11
  const tags = ['merchant']

  app.post(
    '/:merchantId/consultations/:consultationId/reply',
    {
      schema: {
        tags,
        description:
          'Reply as bot, bot-assisted human, human or auto-reply: EXP-1 counts all but auto-replies; EXP-2 times human and bot-assisted turns. Example: {"mode":"human","text":"Ships tomorrow"}',
        params: ReplyParams,
        body: ReplyBody,
        response: { 200: ReplyReply, ...errors },
      },
    },
    async (req) =>
      consultation.reply(req.params.merchantId, req.params.consultationId, req.body.mode, clock.now()),
  )

  app.get(
    '/:merchantId/sla',
    {
      schema: {
        tags,
        description:
          'SLA dashboard: reply rate (EXP-1), manual response time (EXP-2), 48 h pickup rate (SHIP-1), experience score (EXP-3), payouts so far.',
        params: MerchantParams,
        response: { 200: SlaView, ...errors },
      },
    },
    async (req) => consultation.sla(req.params.merchantId, clock.now()),
  )
}

/** Admin: write every merchant's EXP-1/2/3 verdicts now. */
export const admin: FastifyPluginAsyncTypebox = async (app) => {
  const { consultation, state, clock } = app.d11
  app.post(
    '/sla/evaluate',
    {
      schema: {
        tags: ['admin'],
        description:
          'Write EXP-1 reply_rate, EXP-2 manual_response_time and EXP-3 experience_score verdicts for every merchant now (thresholds from the ruleset in force).',
        response: { 200: Type.Object({ verdicts: Type.Integer() }), ...errors },
      },
    },
    async () => {
      state.requireWorld()
      return { verdicts: consultation.evaluateSla(clock.now()) }
    },
  )
}
