import { workspaceProject } from '../../tools/vitest-project.ts'

export default workspaceProject('@d11/order-flow')
