import Type from 'typebox'
import { Id } from '../../schemas.ts'

export const PayBody = Type.Object({
  stage: Type.Union([Type.Literal('deposit'), Type.Literal('final'), Type.Literal('spot')]),
})

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
})

export const StockParams = Type.Object({ merchantId: Id, skuId: Id })

export const StockBody = Type.Object({ available: Type.Integer({ minimum: 0, maximum: 1e9 }) })

export const StockReply = Type.Object({
  skuId: Type.String(),
  available: Type.Integer(),
  policy: Type.String({ description: "the merchant's reservation: strict | lagging" }),
  effective: Type.Boolean({
    description: 'true under `lagging`: the platform now sells this figure',
  }),
  sellable: Type.Integer({ description: 'units the platform offers now' }),
  sold: Type.Integer(),
  publishedAt: Type.String(),
})
