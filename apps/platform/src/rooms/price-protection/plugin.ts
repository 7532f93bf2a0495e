import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { PriceProtectionService } from './service.ts'

declare module '../../plugins/services.ts' {
  interface Services {
    priceProtection: PriceProtectionService
  }
}

/** Decorates `app.d11.priceProtection`: price changes and PRICE-5 claims. */
export const priceProtectionPlugin = fp(
  async (app: FastifyInstance) => {
    const { state, deps } = app.d11
    app.d11.priceProtection = new PriceProtectionService(state, deps)
  },
  { name: 'd11-price-protection', dependencies: ['d11-state'] },
)
