import { defineConfig } from 'vitest/config'

// One run over every workspace folder so CI gets a single summary line. Each folder's own
// vitest.config.ts (tools/vitest-project.ts) names it and sets its timeouts, so it also runs alone.
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'apps/*/vitest.config.ts',
      'scenarios/vitest.config.ts',
      'conformance/vitest.config.ts',
    ],
    reporters: ['default', './tools/summary-reporter.ts'],
  },
})
