import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { RegistrationService } from './service.ts'

declare module '../../plugins/services.ts' {
  interface Services {
    registration: RegistrationService
  }
}

/** Decorates `app.d11.registration`: REG-1..4 and PRICE-1/2 on campaign registrations. */
export const registrationPlugin = fp(
  async (app: FastifyInstance) => {
    const { state, deps } = app.d11
    app.d11.registration = new RegistrationService(state, deps)
  },
  { name: 'd11-registration', dependencies: ['d11-state'] },
)
