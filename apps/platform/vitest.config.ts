import { workspaceProject } from '../../tools/vitest-project.ts'

// The platform tests drive a real Fastify instance (and one embedded ClickHouse): allow for a busy CI box.
export default workspaceProject('@d11/platform', { testTimeout: 30_000, hookTimeout: 60_000 })
