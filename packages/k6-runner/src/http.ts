import { AsyncLocalStorage } from 'node:async_hooks'
import { Buffer } from 'node:buffer'
import diagnostics from 'node:diagnostics_channel'
import { Agent } from 'undici'
import { als, wallNow } from './context.ts'
import { parseDuration } from './duration.ts'
import { K6RunnerError, unsupported } from './errors.ts'
import type { Metric, Tags } from './metrics.ts'

/** What `k6/http` needs from the run. */
export interface HttpHost {
  phase(): 'init' | 'setup' | 'run' | 'teardown' | 'done'
  /** The current context's tags as a fresh object the caller may extend. */
  baseTags(): Tags
  sample(metric: Metric, value: number, tags: Tags, wallMs: number): void
  metric(name: string): Metric
}

type StatusRange = { min: number; max: number }
const EXPECTED = Symbol('expectedStatuses')
type ResponseCallback = { [EXPECTED]: StatusRange[] }

export interface Timings {
  blocked: number
  connecting: number
  tls_handshaking: number
  sending: number
  waiting: number
  receiving: number
  duration: number
}

/** k6's Response: status, body, headers (canonical names), timings, json(). */
export class Response {
  constructor(
    readonly status: number,
    readonly body: string | ArrayBuffer | null,
    readonly headers: Record<string, string>,
    readonly timings: Timings,
    readonly url: string,
    readonly request: { method: string; url: string; headers: Record<string, string>; body: string },
    readonly error: string,
    readonly error_code: number,
  ) {}
  readonly proto = 'HTTP/1.1'
  readonly status_text = ''
  readonly cookies = {}

  /** Parses the body as JSON; `selector` takes k6's dotted path form (`items.0.id`). */
  json(selector?: string): unknown {
    if (typeof this.body !== 'string') {
      throw new K6RunnerError('K6R_RESPONSE_BODY', `response.json(): the body of ${this.url} is not text`)
    }
    const value = JSON.parse(this.body) as unknown
    if (selector === undefined) return value
    if (/[#*?|@\\]/.test(selector))
      unsupported(`response.json('${selector}') (gjson queries)`, 'select with plain JS')
    let cur: unknown = value
    for (const key of selector.split('.')) {
      if (cur === null || typeof cur !== 'object') return undefined
      cur = (cur as Record<string, unknown>)[key]
    }
    return cur
  }
  html(): never {
    return unsupported('response.html()', 'parse the body yourself')
  }
  submitForm(): never {
    return unsupported('response.submitForm()', 'build the request with http.asyncRequest')
  }
  clickLink(): never {
    return unsupported('response.clickLink()', 'build the request with http.asyncRequest')
  }
}

const canonicalNames = new Map<string, string>()
/** `content-type` → `Content-Type`, as k6 (Go's net/http) reports header names. */
function canonical(name: string): string {
  let c = canonicalNames.get(name)
  if (c === undefined) {
    c = name.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase())
    if (canonicalNames.size < 1000) canonicalNames.set(name, c)
  }
  return c
}

const ERROR_CODES: Record<string, number> = {
  ECONNREFUSED: 1212,
  ECONNRESET: 1220,
  EPIPE: 1201,
  ENOTFOUND: 1101,
  UND_ERR_HEADERS_TIMEOUT: 1050,
  UND_ERR_BODY_TIMEOUT: 1050,
  UND_ERR_CONNECT_TIMEOUT: 1211,
}

/** When undici reached each step of one request (performance.now()). */
interface Marks {
  send: number
  bodySent: number
  headers: number
}

/**
 * undici's diagnostics channels tell when a request really left (after waiting for a pooled
 * connection) so the timings split like k6's: `blocked` is the wait before the request is written,
 * and `http_req_duration` = sending + waiting + receiving excludes it.
 */
const current = new AsyncLocalStorage<Marks>()
const marks = new WeakMap<object, Marks>()
const onCreate = (msg: unknown) => {
  const m = current.getStore()
  if (m) marks.set((msg as { request: object }).request, m)
}
const mark = (key: keyof Marks) => (msg: unknown) => {
  const m = marks.get((msg as { request: object }).request)
  if (m) m[key] = performance.now()
}
const CHANNELS: Array<[string, (msg: unknown) => void]> = [
  ['undici:request:create', onCreate],
  ['undici:client:sendHeaders', mark('send')],
  ['undici:request:bodySent', mark('bodySent')],
  ['undici:request:headers', mark('headers')],
]

/** `k6/http` on undici: a keep-alive pool shared by every VU; only the asynchronous API. */
export class Http {
  private readonly agent: Agent
  /** `options.userAgent` */
  userAgent = 'd11-k6-runner/0.1 (k6 compatible)'
  /** `options.discardResponseBodies` makes it 'none' */
  defaultResponseType = 'text'
  private callback: ResponseCallback | null = { [EXPECTED]: [{ min: 200, max: 399 }] }
  private readonly m: Record<string, Metric>

  /** `connectionsPerHost` caps the pooled connections per origin (default: one per concurrent request, as k6's per-VU connections). */
  constructor(
    private readonly host: HttpHost,
    connectionsPerHost?: number,
  ) {
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 60_000,
      ...(connectionsPerHost ? { connections: connectionsPerHost } : {}),
    })
    for (const [name, fn] of CHANNELS) diagnostics.subscribe(name, fn)
    const names = [
      'http_reqs',
      'http_req_duration',
      'http_req_blocked',
      'http_req_connecting',
      'http_req_tls_handshaking',
      'http_req_sending',
      'http_req_waiting',
      'http_req_receiving',
      'http_req_failed',
      'data_sent',
      'data_received',
    ]
    this.m = Object.fromEntries(names.map((n) => [n, host.metric(n)]))
  }

  close(): Promise<void> {
    for (const [name, fn] of CHANNELS) diagnostics.unsubscribe(name, fn)
    return this.agent.close()
  }

  /** The synchronous calls block a VU; one event loop cannot do that honestly. */
  sync(name: string): never {
    throw new K6RunnerError(
      'K6R_UNSUPPORTED_API',
      `k6/http.${name}() is synchronous and the built-in runner drives every VU on one event loop; ` +
        `write the iteration as an async function and use await http.asyncRequest('${name === 'del' ? 'DELETE' : name === 'request' ? 'GET' : name.toUpperCase()}', url, body, params) (k6 runs that too), or run the script unchanged with real k6 (d11 load --engine k6)`,
    )
  }

  unsupported(name: string, hint: string): never {
    return unsupported(`k6/http.${name}()`, hint)
  }

  expectedStatuses(...statuses: Array<number | StatusRange>): ResponseCallback {
    const ranges = statuses.map((s, i) => {
      if (typeof s === 'number' && Number.isInteger(s)) return { min: s, max: s }
      if (s && typeof s === 'object' && Number.isInteger(s.min) && Number.isInteger(s.max)) return s
      throw new K6RunnerError(
        'K6R_INVALID_ARGUMENT',
        `http.expectedStatuses argument ${i} must be a status code or { min, max }`,
      )
    })
    return { [EXPECTED]: ranges }
  }

  setResponseCallback(callback: ResponseCallback | null): void {
    if (callback !== null && !callback?.[EXPECTED]) {
      throw new K6RunnerError(
        'K6R_INVALID_ARGUMENT',
        'http.setResponseCallback takes http.expectedStatuses(...) or null',
      )
    }
    this.callback = callback
  }

  async asyncRequest(
    method: string,
    url: string,
    body?: unknown,
    params?: Record<string, unknown>,
  ): Promise<Response> {
    const phase = this.host.phase()
    if (phase === 'init') {
      throw new K6RunnerError(
        'K6R_INIT_CONTEXT',
        'HTTP requests are not allowed in the init context (top level); make them in setup() or an iteration',
      )
    }
    const target = parseTarget(url)
    const p = params ?? {}
    const headers: Record<string, string> = { 'user-agent': this.userAgent }
    for (const [k, v] of Object.entries((p.headers as Record<string, unknown>) ?? {}))
      headers[k.toLowerCase()] = String(v)
    let payload: string | Buffer | undefined
    if (body === null || body === undefined) payload = undefined
    else if (typeof body === 'string') payload = body
    else if (body instanceof ArrayBuffer) payload = Buffer.from(body)
    else if (ArrayBuffer.isView(body)) payload = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    else if (typeof body === 'object') {
      payload = new URLSearchParams(body as Record<string, string>).toString()
      headers['content-type'] ??= 'application/x-www-form-urlencoded'
    } else payload = String(body)
    const timeoutMs = p.timeout === undefined ? 60_000 : parseDuration(p.timeout, 'params.timeout')
    const responseType = (p.responseType as string | undefined) ?? this.defaultResponseType
    if (!['text', 'binary', 'none'].includes(responseType)) {
      throw new K6RunnerError(
        'K6R_INVALID_ARGUMENT',
        `params.responseType must be text, binary or none (got '${responseType}')`,
      )
    }
    const callback =
      p.responseCallback === undefined ? this.callback : (p.responseCallback as ResponseCallback | null)
    const upper = method.toUpperCase()
    const signal = als.getStore()?.scenario?.signal

    const t0 = performance.now()
    const marks: Marks = { send: 0, bodySent: 0, headers: 0 }
    let status = 0
    let resBody: string | ArrayBuffer | null = null
    const resHeaders: Record<string, string> = {}
    let headerBytes = 0
    let bodyBytes = 0
    let error = ''
    let errorCode = 0
    let tHead = t0
    try {
      const res = await current.run(marks, () =>
        this.agent.request({
          origin: target.origin,
          path: target.path,
          method: upper as 'GET',
          headers,
          body: payload,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal,
        }),
      )
      tHead = performance.now()
      status = res.statusCode
      for (const [k, v] of Object.entries(res.headers)) {
        const value = Array.isArray(v) ? v.join(', ') : String(v ?? '')
        resHeaders[canonical(k)] = value
        headerBytes += k.length + value.length + 4
      }
      if (responseType === 'none') {
        for await (const chunk of res.body) bodyBytes += (chunk as Buffer).length
      } else {
        const buf = Buffer.from(await res.body.arrayBuffer())
        bodyBytes = buf.length
        resBody =
          responseType === 'binary'
            ? buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)
            : buf.toString()
      }
    } catch (err) {
      if (signal?.aborted) throw err
      const e = err as { code?: string; message?: string; cause?: { code?: string } }
      const code = e.code ?? e.cause?.code ?? ''
      error = e.message ?? String(err)
      errorCode = ERROR_CODES[code] ?? 1000
      status = 0
    }
    const tEnd = performance.now()
    const send = marks.send || t0
    const sent = Math.max(marks.bodySent, send)
    const head = marks.headers || tHead
    const timings: Timings = {
      blocked: send - t0,
      connecting: 0,
      tls_handshaking: 0,
      sending: sent - send,
      waiting: Math.max(0, head - sent),
      receiving: Math.max(0, tEnd - head),
      duration: 0,
    }
    timings.duration = timings.sending + timings.waiting + timings.receiving

    const tags: Tags = this.host.baseTags()
    tags.method = upper
    tags.url = url
    tags.name = url
    tags.proto = 'HTTP/1.1'
    tags.status = String(status)
    if (errorCode) tags.error_code = String(errorCode)
    const userTags = p.tags as Record<string, unknown> | undefined
    if (userTags) for (const k in userTags) tags[k] = String(userTags[k])
    let failed: number | undefined
    if (callback) {
      const ok = callback[EXPECTED].some((r) => status >= r.min && status <= r.max)
      tags.expected_response = String(ok)
      failed = ok ? 0 : 1
    }
    const wall = wallNow()
    const m = this.m
    const bytesSent = upper.length + target.path.length + 11 + headersSize(headers) + (payload?.length ?? 0)
    this.host.sample(m.http_reqs!, 1, tags, wall)
    this.host.sample(m.http_req_duration!, timings.duration, tags, wall)
    this.host.sample(m.http_req_blocked!, timings.blocked, tags, wall)
    this.host.sample(m.http_req_connecting!, 0, tags, wall)
    this.host.sample(m.http_req_tls_handshaking!, 0, tags, wall)
    this.host.sample(m.http_req_sending!, timings.sending, tags, wall)
    this.host.sample(m.http_req_waiting!, timings.waiting, tags, wall)
    this.host.sample(m.http_req_receiving!, timings.receiving, tags, wall)
    if (failed !== undefined) this.host.sample(m.http_req_failed!, failed, tags, wall)
    this.host.sample(m.data_sent!, bytesSent, tags, wall)
    this.host.sample(m.data_received!, status ? 17 + headerBytes + bodyBytes : 0, tags, wall)

    return new Response(
      status,
      resBody,
      resHeaders,
      timings,
      url,
      { method: upper, url, headers, body: typeof payload === 'string' ? payload : '' },
      error,
      errorCode,
    )
  }
}

const targets = new Map<string, { origin: string; path: string }>()
/** origin and path of a request URL; the parse is cached, scenarios repeat their URLs. */
function parseTarget(url: string): { origin: string; path: string } {
  let t = targets.get(url)
  if (!t) {
    let u: URL
    try {
      u = new URL(url)
    } catch {
      throw new K6RunnerError('K6R_INVALID_URL', `http.asyncRequest: '${url}' is not an absolute URL`)
    }
    t = { origin: u.origin, path: u.pathname + u.search }
    if (targets.size > 10_000) targets.clear()
    targets.set(url, t)
  }
  return t
}

function headersSize(headers: Record<string, string>): number {
  let n = 0
  for (const k in headers) n += k.length + headers[k]!.length + 4
  return n
}
