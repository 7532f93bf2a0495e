import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AfterSaleService } from './service.ts'

declare module '../../plugins/services.ts' {
  interface Services {
    afterSale: AfterSaleService
  }
}

/** Decorates `app.d11.afterSale`: refunds (PAY-8). */
export const afterSalePlugin = fp(
  async (app: FastifyInstance) => {
    const { state, deps } = app.d11
    app.d11.afterSale = new AfterSaleService(state, deps)
  },
  { name: 'd11-after-sale', dependencies: ['d11-state'] },
)
