import { rt } from './runtime.mjs'

export default {
  get scenario() {
    return rt().execution.scenario
  },
  get vu() {
    return rt().execution.vu
  },
  get instance() {
    return rt().execution.instance
  },
  get test() {
    return rt().execution.test
  },
}
