import Type from 'typebox'
import { Id } from '../../schemas.ts'

export const MessageBody = Type.Object({
  buyerId: Id,
  merchantId: Id,
  orderId: Type.Optional(Id),
  consultationId: Type.Optional(Id),
  text: Type.String({ minLength: 1, maxLength: 2000 }),
})

export const MessageReply = Type.Object({ consultationId: Type.String(), messages: Type.Integer() })

export const ReplyParams = Type.Object({ merchantId: Id, consultationId: Id })

export const ReplyBody = Type.Object({
  mode: Type.Union([
    Type.Literal('bot'),
    Type.Literal('bot-assisted'),
    Type.Literal('human'),
    Type.Literal('auto-reply'),
  ]),
  text: Type.String({ minLength: 1, maxLength: 2000 }),
})

export const ReplyReply = Type.Object({
  consultationId: Type.String(),
  mode: Type.String(),
  counted: Type.Boolean(),
  manual: Type.Boolean(),
  responseMs: Type.Integer(),
})

export const SlaView = Type.Object({
  merchantId: Type.String(),
  simTime: Type.String(),
  replyRate: Type.Number(),
  manualResponseSec: Type.Number(),
  pickup48hRate: Type.Number(),
  experienceScore: Type.Union([Type.Number(), Type.Null()]), // null where EXP-3 (002, 2024) is not in force
  lateOrders: Type.Integer(),
  payoutsFen: Type.Integer(),
  warned: Type.Boolean(),
  removed: Type.Boolean(),
  ruleIds: Type.Array(Type.String()),
})
