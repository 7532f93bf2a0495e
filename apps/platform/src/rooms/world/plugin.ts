import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { WorldService } from './service.ts'

declare module '../../plugins/services.ts' {
  interface Services {
    world: WorldService
  }
}

/** Decorates `app.d11.world`: loads world rows, webhook targets, reset. */
export const worldPlugin = fp(
  async (app: FastifyInstance) => {
    const { state, deps, registration } = app.d11
    app.d11.world = new WorldService(state, deps, registration)
  },
  { name: 'd11-world', dependencies: ['d11-state', 'd11-registration'] },
)
