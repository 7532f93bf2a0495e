import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import * as afterSale from '../rooms/after-sale/routes.ts'
import * as checkout from '../rooms/checkout/routes.ts'
import * as complaints from '../rooms/complaints/routes.ts'
import * as consultation from '../rooms/consultation/routes.ts'
import * as priceProtection from '../rooms/price-protection/routes.ts'

/**
 * Buyer API under /buyer: quote, order, pay (checkout), consult, refund (after-sale), complain,
 * claim price protection — each room's routes, all behind a loaded world.
 */
export const buyerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { state } = app.d11
  app.addHook('preHandler', async () => state.requireWorld())
  await app.register(checkout.buyer)
  await app.register(consultation.buyer)
  await app.register(afterSale.buyer)
  await app.register(complaints.buyer)
  await app.register(priceProtection.buyer)
}
