import { workspaceProject } from '../tools/vitest-project.ts'

// Every case runs a live platform (Fastify inject, paused clock) and a simulation.
export default workspaceProject('@d11/conformance', { testTimeout: 120_000 })
