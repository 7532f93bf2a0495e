// Every shim delegates to the runtime of the run in progress, looked up at call time, so one
// cached shim module serves every run in the process.
const KEY = Symbol.for('@d11/k6-runner/runtime')

export function rt() {
  const runtime = globalThis[KEY]
  if (!runtime) throw new Error('K6R_NO_RUN: k6 modules can only be used inside a @d11/k6-runner run')
  return runtime
}
