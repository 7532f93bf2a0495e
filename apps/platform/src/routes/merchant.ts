import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import * as afterSale from '../rooms/after-sale/routes.ts'
import * as checkout from '../rooms/checkout/routes.ts'
import * as complaints from '../rooms/complaints/routes.ts'
import * as consultation from '../rooms/consultation/routes.ts'
import * as fulfilment from '../rooms/fulfilment/routes.ts'
import * as priceProtection from '../rooms/price-protection/routes.ts'
import * as registration from '../rooms/registration/routes.ts'

/** Merchant API (TOP-like) under /merchant/:merchantId: each room's routes, all behind a loaded world. */
export const merchantRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { state } = app.d11
  app.addHook('preHandler', async () => state.requireWorld())
  await app.register(registration.merchant)
  await app.register(priceProtection.merchant)
  await app.register(checkout.merchant)
  await app.register(fulfilment.merchant)
  await app.register(consultation.merchant)
  await app.register(afterSale.merchant)
  await app.register(complaints.merchant)
}
