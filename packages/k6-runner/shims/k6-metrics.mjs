import { rt } from './runtime.mjs'

// `new Counter(name)` returns the runtime's metric object: a constructor may return an object.
export function Counter(name, isTime) {
  return rt().metrics.create('counter', name, isTime)
}
export function Gauge(name, isTime) {
  return rt().metrics.create('gauge', name, isTime)
}
export function Rate(name, isTime) {
  return rt().metrics.create('rate', name, isTime)
}
export function Trend(name, isTime) {
  return rt().metrics.create('trend', name, isTime)
}
export default { Counter, Gauge, Rate, Trend }
