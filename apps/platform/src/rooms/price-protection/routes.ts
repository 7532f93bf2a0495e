import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { errors, OrderParams } from '../../schemas.ts'
import { ClaimReply, PriceChangeBody, PriceChangeReply, SkuParams } from './schemas.ts'

/** Buyer price-protection claim (PRICE-5). */
export const buyer: FastifyPluginAsyncTypebox = async (app) => {
  const { priceProtection, clock } = app.d11
  app.post(
    '/orders/:orderId/price-protection',
    {
      schema: {
        tags: ['buyer'],
        description: 'Claim the difference to a lower current to-hand price of the same SKU (PRICE-5).',
        params: OrderParams,
        body: Type.Object({}),
        response: { 200: ClaimReply, ...errors },
      },
    },
    async (req) => priceProtection.claimPriceProtection(req.params.orderId, clock.now()),
  )
}

/** Merchant price and perk changes (PRICE-5 owed to presale buyers). */
export const merchant: FastifyPluginAsyncTypebox = async (app) => {
  const { priceProtection, clock } = app.d11
  app.patch(
    '/:merchantId/skus/:skuId',
    {
      schema: {
        tags: ['merchant'],
        description:
          'Change the price or perks. During a spot phase a lower price or added perks on a SKU registered for presale and spot owe every presale buyer the difference (PRICE-5). Example: {"priceFen":459900}',
        params: SkuParams,
        body: PriceChangeBody,
        response: { 200: PriceChangeReply, ...errors },
      },
    },
    async (req) =>
      priceProtection.changePrice(req.params.merchantId, req.params.skuId, req.body, clock.now()),
  )
}
