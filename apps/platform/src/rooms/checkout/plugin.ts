import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { CheckoutService } from './service.ts'

declare module '../../plugins/services.ts' {
  interface Services {
    checkout: CheckoutService
  }
}

/** Decorates `app.d11.checkout`: quote, place order, pay, stock publication. */
export const checkoutPlugin = fp(
  async (app: FastifyInstance) => {
    const { state, deps, fulfilment } = app.d11
    app.d11.checkout = new CheckoutService(state, deps, fulfilment)
  },
  { name: 'd11-checkout', dependencies: ['d11-state', 'd11-fulfilment'] },
)
