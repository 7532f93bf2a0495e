import { CampaignSchema, RegistrationNodeSchema } from '@d11/generator/entities'
import Type from 'typebox'
import { Fen, Id } from '../../schemas.ts'

// The world's own row schemas (@d11/generator/entities): one list of nodes and campaigns.
export const Node = RegistrationNodeSchema
export const Campaign = CampaignSchema

export const RegistrationBody = Type.Object({
  skuId: Id,
  node: Node,
  campaignPriceFen: Fen,
  crossStoreCoupon: Type.Boolean(),
})

export const RegistrationReply = Type.Object({
  registrationId: Type.String(),
  ceilingFen: Type.Union([Type.Integer(), Type.Null()]),
})

export const PriceCheckBody = Type.Object({ skuId: Id, campaign: Campaign, priceFen: Fen })

export const PriceCheckReply = Type.Object({
  ok: Type.Boolean(),
  ceilingFen: Type.Union([Type.Integer(), Type.Null()]),
  source: Type.String({
    description: "the validated kind that sets the ceiling ('daily' or a campaign)",
  }),
  ruleId: Type.String(),
  reason: Type.String(),
  ruleset: Type.String({ description: 'ruleset version in force at the simulated instant' }),
})
