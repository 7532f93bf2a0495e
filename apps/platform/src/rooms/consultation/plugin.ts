import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ConsultationService } from './service.ts'

declare module '../../plugins/services.ts' {
  interface Services {
    consultation: ConsultationService
  }
}

/** Decorates `app.d11.consultation`: consultations (EXP-1/2) and the SLA dashboard (EXP-3). */
export const consultationPlugin = fp(
  async (app: FastifyInstance) => {
    const { state, deps } = app.d11
    app.d11.consultation = new ConsultationService(state, deps)
  },
  { name: 'd11-consultation', dependencies: ['d11-state'] },
)
