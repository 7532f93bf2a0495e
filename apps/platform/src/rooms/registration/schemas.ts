import Type from 'typebox'
import { Fen, Id } from '../../schemas.ts'

export const Node = Type.Union([
  Type.Literal('wave1Presale'),
  Type.Literal('wave1Spot'),
  Type.Literal('wave2Presale'),
  Type.Literal('wave2Spot'),
])

export const Campaign = Type.Union(
  [
    'double11',
    '618',
    'double12',
    '38',
    '88',
    '99',
    'nianhuo',
    'juhuasuan',
    'billion-subsidy',
    'tiantian-temai',
    '55',
    '520',
    'bu-da-yang',
    'qinzi',
  ].map((c) => Type.Literal(c)),
)

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
