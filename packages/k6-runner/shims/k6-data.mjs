import { rt } from './runtime.mjs'

export function SharedArray(name, fn) {
  return rt().data.sharedArray(name, fn)
}
export default { SharedArray }
