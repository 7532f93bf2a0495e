import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { FulfilmentService } from './service.ts'

declare module '../../plugins/services.ts' {
  interface Services {
    fulfilment: FulfilmentService
  }
}

/** Decorates `app.d11.fulfilment`: pickup, trace, negotiated and reported ship times, passed deadlines. */
export const fulfilmentPlugin = fp(
  async (app: FastifyInstance) => {
    const { state, deps } = app.d11
    app.d11.fulfilment = new FulfilmentService(state, deps)
  },
  { name: 'd11-fulfilment', dependencies: ['d11-state'] },
)
