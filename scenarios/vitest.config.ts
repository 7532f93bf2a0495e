import { workspaceProject } from '../tools/vitest-project.ts'

// Each scenario runs a few seconds against a real platform on a shared 2-core machine.
export default workspaceProject('@d11/scenarios')
