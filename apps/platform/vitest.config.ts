import { defineProject } from 'vitest/config'

// The platform tests drive a real Fastify instance (and one embedded ClickHouse): allow for a busy CI box.
export default defineProject({
  test: { name: '@d11/platform', testTimeout: 30_000, hookTimeout: 60_000 },
})
