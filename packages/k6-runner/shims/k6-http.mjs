import { rt } from './runtime.mjs'

const h = () => rt().http

export function asyncRequest(method, url, body, params) {
  return h().asyncRequest(method, url, body, params)
}
export function request() {
  return h().sync('request')
}
export function get() {
  return h().sync('get')
}
export function head() {
  return h().sync('head')
}
export function post() {
  return h().sync('post')
}
export function put() {
  return h().sync('put')
}
export function patch() {
  return h().sync('patch')
}
export function del() {
  return h().sync('del')
}
export function options() {
  return h().sync('options')
}
export function batch() {
  return h().unsupported('batch', 'issue one http.asyncRequest per request and await Promise.all([...])')
}
export function file() {
  return h().unsupported('file', 'send the bytes as the request body')
}
export function cookieJar() {
  return h().unsupported('cookieJar', 'set the Cookie header yourself')
}
export function url() {
  return h().unsupported('url', 'set params.tags.name to group URLs under one name')
}
export function expectedStatuses(...statuses) {
  return h().expectedStatuses(...statuses)
}
export function setResponseCallback(callback) {
  return h().setResponseCallback(callback)
}
export const OCSP_STATUS_GOOD = 'good'
export const TLS_1_2 = 'tls1.2'
export const TLS_1_3 = 'tls1.3'
export default {
  asyncRequest,
  request,
  get,
  head,
  post,
  put,
  patch,
  del,
  options,
  batch,
  file,
  cookieJar,
  url,
  expectedStatuses,
  setResponseCallback,
}
