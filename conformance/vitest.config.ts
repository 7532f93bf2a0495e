import { defineProject } from 'vitest/config'

// Every case runs a live platform (Fastify inject, paused clock) and a simulation.
export default defineProject({
  test: { name: '@d11/conformance', testTimeout: 120_000, hookTimeout: 120_000 },
})
