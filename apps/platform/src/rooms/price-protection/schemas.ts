import Type from 'typebox'
import { Fen, Id, Perk } from '../../schemas.ts'

export const SkuParams = Type.Object({ merchantId: Id, skuId: Id })

export const PriceChangeBody = Type.Object({
  priceFen: Type.Optional(Fen),
  perks: Type.Optional(Type.Array(Perk, { maxItems: 20 })),
})

export const PriceChangeReply = Type.Object({
  skuId: Type.String(),
  priceFen: Type.Integer(),
  toHandUnitFen: Type.Integer(),
  owedFen: Type.Integer(),
  buyersOwed: Type.Integer(),
  ruleId: Type.String(),
})

export const ClaimReply = Type.Object({
  orderId: Type.String(),
  amountFen: Type.Integer(),
  ruleId: Type.String(),
})
