import { defineProject } from 'vitest/config'

/**
 * The vitest config of one workspace folder. Each folder has its own, so `pnpm --filter <pkg> test`
 * (and turbo) runs it alone, while the root `vitest run` takes them all as projects for one summary.
 * The timeouts allow for real servers, embedded ClickHouse and worker threads on a busy 2-core box.
 */
export function workspaceProject(
  name: string,
  timeouts: { testTimeout?: number; hookTimeout?: number } = {},
) {
  return defineProject({ test: { name, testTimeout: 60_000, hookTimeout: 120_000, ...timeouts } })
}
