// worker_threads entry: plain JS so Node can start it, then tsx runs the TypeScript worker.
import { register } from 'tsx/esm/api'

register()
await import('./chunk-worker.ts')
