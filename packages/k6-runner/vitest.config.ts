import { workspaceProject } from '../../tools/vitest-project.ts'

// Runner tests drive a few seconds of real load each on a shared 2-core machine.
export default workspaceProject('@d11/k6-runner', { hookTimeout: 60_000 })
