import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ComplaintsService } from './service.ts'

declare module '../../plugins/services.ts' {
  interface Services {
    complaints: ComplaintsService
  }
}

/** Decorates `app.d11.complaints`: complaints (PAY-5) and appeals (PAY-7). */
export const complaintsPlugin = fp(
  async (app: FastifyInstance) => {
    const { state, deps, fulfilment } = app.d11
    app.d11.complaints = new ComplaintsService(state, deps, fulfilment)
  },
  { name: 'd11-complaints', dependencies: ['d11-state', 'd11-fulfilment'] },
)
