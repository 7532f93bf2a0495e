import { defineConfig } from 'vitest/config'

// One run over every workspace folder so CI gets a single summary line.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'scenarios', 'conformance'],
    reporters: ['default', './tools/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
