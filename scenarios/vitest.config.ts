import { defineProject } from 'vitest/config'

// Each scenario runs a few seconds against a real platform on a shared 2-core machine.
export default defineProject({
  test: { name: '@d11/scenarios', testTimeout: 60_000, hookTimeout: 120_000 },
})
