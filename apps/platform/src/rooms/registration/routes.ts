import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors, MerchantParams } from '../../schemas.ts'
import { PriceCheckBody, PriceCheckReply, RegistrationBody, RegistrationReply } from './schemas.ts'

/** Merchant campaign registration and price checks. */
export const merchant: FastifyPluginAsyncTypebox = async (app) => {
  const { registration, state, clock } = app.d11
  const tags = ['merchant']

  app.post(
    '/:merchantId/registrations',
    {
      schema: {
        tags,
        description:
          'Register a SKU for a Double 11 node (REG-1..4, PRICE-1/2 with the ruleset in force now). Example: {"skuId":"s-00000001","node":"wave1Spot","campaignPriceFen":499900,"crossStoreCoupon":true}',
        params: MerchantParams,
        body: RegistrationBody,
        response: { 200: RegistrationReply, ...errors },
      },
    },
    async (req) => registration.register(req.params.merchantId, req.body, clock.now()),
  )

  app.post(
    '/:merchantId/price-check',
    {
      schema: {
        tags,
        description:
          'PRICE-1/2: would this campaign price pass validation against the SKU\'s earlier campaign and daily prices? Example: {"skuId":"s-00000001","campaign":"double12","priceFen":9900}',
        params: MerchantParams,
        body: PriceCheckBody,
        response: { 200: PriceCheckReply, ...errors },
      },
    },
    async (req) => {
      state.merchant(req.params.merchantId)
      return registration.priceCheck(req.body.skuId, req.body.campaign, req.body.priceFen, clock.now())
    },
  )
}
