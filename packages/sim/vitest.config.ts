import { workspaceProject } from '../../tools/vitest-project.ts'

// Worker-thread grids and the embedded store start in seconds on a shared 2-core machine.
export default workspaceProject('@d11/sim')
