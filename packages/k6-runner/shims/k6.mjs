import { rt } from './runtime.mjs'

export function check(value, sets, tags) {
  return rt().k6.check(value, sets, tags)
}
export function fail(message) {
  return rt().k6.fail(message)
}
export function group(name, fn) {
  return rt().k6.group(name, fn)
}
export function sleep(seconds) {
  return rt().k6.sleep(seconds)
}
export function randomSeed(seed) {
  return rt().k6.randomSeed(seed)
}
export default { check, fail, group, sleep, randomSeed }
