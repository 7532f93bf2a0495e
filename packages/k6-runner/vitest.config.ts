import { defineProject } from 'vitest/config'

// Runner tests drive a few seconds of real load each on a shared 2-core machine.
export default defineProject({
  test: { name: '@d11/k6-runner', testTimeout: 60_000, hookTimeout: 60_000 },
})
