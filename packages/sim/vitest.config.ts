import { defineProject } from 'vitest/config'

// Worker-thread grids and the embedded store start in seconds on a shared 2-core machine.
export default defineProject({
  test: { name: '@d11/sim', testTimeout: 60_000, hookTimeout: 120_000 },
})
