/**
 * Open-model (constant-arrival-rate) HTTP load generator, like wrk2 or k6's `constant-arrival-rate`.
 *
 * Request i is scheduled at `start + i / rate`; a ~1 ms timer sends every request whose instant has
 * come, on an idle keep-alive HTTP/1.1 connection (undici `Client`, one request at a time each),
 * without waiting for earlier responses. When every connection is busy another is opened, up to
 * `maxConnections`; past the cap the request waits for the next free connection and is counted in
 * `queuedForConnection`. Latency runs from the *scheduled* instant to the end of the response, so a
 * stalled server (or a stalled generator) shows up in the figures instead of slowing the offered
 * load (no coordinated omission). The generator's own lateness (issued − scheduled) is
 * reported beside it. Histograms are Node's built-in HdrHistogram (`perf_hooks.createHistogram`).
 *
 * An optional warm-up runs first at the same rate, unrecorded; see `warmupSeconds`.
 *
 * `runOpenModel(opts)` runs in this process; `runOpenModelInChild(opts)` forks this file so the
 * generator has its own event loop (and core).
 */
import { fork } from 'node:child_process'
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { Client, type Dispatcher } from 'undici'

export interface OpenModelRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  headers?: Record<string, string>
  body?: string
}

export interface OpenModelOptions {
  /** Origin, e.g. `http://127.0.0.1:3000`. */
  url: string
  /** Arrivals per second. */
  rate: number
  /** Recorded duration in seconds (after the warm-up). */
  seconds: number
  /**
   * Seconds sent at the same rate before recording (JIT, connections); then the generator waits
   * until nothing is in flight (at most `drainMs`) and starts the recorded schedule afresh, so a
   * cold server's backlog is not carried into the figures. @default 0
   */
  warmupSeconds?: number
  /** Request mix: request i is `requests[i % requests.length]`. */
  requests: OpenModelRequest[]
  /** Connections opened up front. @default 64 */
  connections?: number
  /** Cap on connections; past it a request waits for a free one (`queuedForConnection`). @default 256 */
  maxConnections?: number
  /** Scheduler tick in ms. @default 1 */
  tickMs?: number
  /** After the last send, how long to wait for outstanding responses (the rest count as `timeouts`). @default 5000 */
  drainMs?: number
  /**
   * Regular expression (source) whose first group is collected from every recorded 2xx body into
   * `acceptedIds`, e.g. `"id":"(o-\\d+)"`; '' collects nothing. @default ''
   */
  acceptedIdPattern?: string
}

export interface Percentiles {
  p50: number
  p90: number
  p99: number
  p999: number
  min: number
  max: number
  mean: number
}

/** Everything below covers the recorded window only (warm-up requests are sent, not counted). */
export interface OpenModelResult {
  rate: number
  seconds: number
  /** Requests scheduled (= `rate × seconds`, rounded). */
  scheduled: number
  /** Requests written to a connection. */
  sent: number
  /** Responses received (any status). */
  completed: number
  non2xx: number
  /** Connection or protocol errors. */
  errors: number
  /** Still outstanding `drainMs` after the last send. */
  timeouts: number
  /** Sends that found every connection busy at the cap and waited for one. */
  queuedForConnection: number
  /** Most connections open at once. */
  peakConnections: number
  /** Requests issued per second by the scheduler, first to last recorded one. */
  issuedRps: number
  /** Responses per second, from the first recorded scheduled instant to the last recorded response. */
  achievedRps: number
  /** ms from the scheduled instant to the end of the response. */
  latencyMs: Percentiles
  /** The same, 2xx responses only (accepted work). */
  acceptedLatencyMs: Percentiles
  /**
   * 2xx only, ms from the moment the request was issued (handed to a connection, or queued at the
   * cap) to the end of the response: the generator's own lateness excluded, waits for a
   * connection and the server's queue included.
   */
  acceptedFromIssueMs: Percentiles
  /**
   * 2xx only, ms from the moment the request was written to a connection to the end of the
   * response: loopback and the server (its socket queue included), no wait for a connection.
   */
  acceptedOnConnectionMs: Percentiles
  /** 2xx only, ms the request waited for a free connection at the cap (0 for most). */
  acceptedConnectionWaitMs: Percentiles
  /** ms from the scheduled instant, 503 responses only (shed work). */
  shedLatencyMs: Percentiles
  /** Recorded responses per HTTP status. */
  statuses: Record<string, number>
  /** 503 responses that carried a `Retry-After` header. */
  shedWithRetryAfter: number
  /** Matches of `acceptedIdPattern` in recorded 2xx bodies, in completion order. */
  acceptedIds: string[]
  /**
   * ms from the scheduled instant to the moment the scheduler issued the request (handed it to a
   * connection, or queued it at the cap): the generator's own delay, server waits excluded.
   */
  latenessMs: Percentiles
  /** The generator's CPU time over wall time in the recorded window (near 100 % = saturated). */
  generatorCpuPercent: number
  /**
   * Warm-up latency (not in the figures above), how long its backlog took to drain before
   * recording, and the `acceptedIdPattern` matches of its 2xx bodies.
   */
  warmup: { latencyMs: Percentiles; settleMs: number; acceptedIds: string[] }
  /** ms from the first recorded scheduled instant to the last recorded issue (≥ (scheduled − 1) / rate). */
  issueSpanMs: number
}

export class OpenModelError extends Error {
  readonly code = 'BENCH_ERR_OPEN_MODEL'
}

function check(opts: OpenModelOptions): Required<OpenModelOptions> {
  const positive = (field: keyof OpenModelOptions, v: unknown, allowZero = false) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0))
      throw new OpenModelError(
        `open model: ${field} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(v)}`,
      )
  }
  positive('rate', opts.rate)
  positive('seconds', opts.seconds)
  const full: Required<OpenModelOptions> = {
    warmupSeconds: 0,
    connections: 64,
    maxConnections: 256,
    tickMs: 1,
    drainMs: 5000,
    acceptedIdPattern: '',
    ...opts,
  }
  positive('warmupSeconds', full.warmupSeconds, true)
  positive('connections', full.connections)
  positive('maxConnections', full.maxConnections)
  positive('tickMs', full.tickMs)
  positive('drainMs', full.drainMs, true)
  if (full.maxConnections < full.connections)
    throw new OpenModelError(
      `open model: maxConnections (${full.maxConnections}) must be ≥ connections (${full.connections})`,
    )
  if (!Array.isArray(opts.requests) || opts.requests.length === 0)
    throw new OpenModelError('open model: requests must list at least one request')
  if (!/^https?:\/\//.test(opts.url))
    throw new OpenModelError(`open model: url must be an http(s) origin, got ${JSON.stringify(opts.url)}`)
  return full
}

const HIGHEST_US = 600_000_000 // 10 min
const newHistogram = () => createHistogram({ lowest: 1, highest: HIGHEST_US, figures: 3 })
const recordMs = (h: RecordableHistogram, ms: number) =>
  h.record(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))))
const round2 = (us: number) => Math.round(us / 10) / 100
function summarize(h: RecordableHistogram): Percentiles {
  if (h.count === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, min: 0, max: 0, mean: 0 }
  return {
    p50: round2(h.percentile(50)),
    p90: round2(h.percentile(90)),
    p99: round2(h.percentile(99)),
    p999: round2(h.percentile(99.9)),
    min: round2(h.min),
    max: round2(h.max),
    mean: round2(h.mean),
  }
}

/** Phases `runOpenModel` reports through `onPhase`: recording starts, recording (and its drain) ends. */
export type OpenModelPhase = 'recording' | 'done'

export async function runOpenModel(
  options: OpenModelOptions,
  onPhase?: (phase: OpenModelPhase) => void,
): Promise<OpenModelResult> {
  const o = check(options)
  const mix = o.requests.map((r) => ({
    method: r.method,
    path: r.path,
    headers: r.headers ?? {},
    body: r.body === undefined ? null : Buffer.from(r.body),
  }))
  const origin = new URL(o.url).origin
  const interval = 1000 / o.rate
  const warmN = Math.round(o.warmupSeconds * o.rate)
  const total = warmN + Math.round(o.seconds * o.rate)
  const latency = newHistogram()
  const acceptedLatency = newHistogram()
  const shedLatency = newHistogram()
  const acceptedFromIssue = newHistogram()
  const acceptedOnConnection = newHistogram()
  const acceptedConnectionWait = newHistogram()
  const lateness = newHistogram()
  const statuses: Record<string, number> = {}
  let shedWithRetryAfter = 0
  const acceptedIds: string[] = []
  const idPattern = o.acceptedIdPattern ? new RegExp(o.acceptedIdPattern, 'g') : undefined

  const warmLatency = newHistogram()
  const warmAcceptedIds: string[] = []
  const clients: Client[] = []
  const idle: Client[] = []
  // Requests waiting for a connection (cap hit): index and scheduled instant, a FIFO.
  const waitIndex: number[] = []
  const waitAt: number[] = []
  const waitIssued: number[] = []
  let waitHead = 0
  let inFlight = 0
  let sent = 0
  let completed = 0
  let non2xx = 0
  let errors = 0
  let queued = 0
  let lastIssueAt = 0
  let lastEndAt = 0
  let closing = false
  const openClient = () => {
    const c = new Client(origin, { pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 })
    clients.push(c)
    return c
  }
  for (let i = 0; i < o.connections; i++) idle.push(openClient())

  // The current phase (warm-up, then recorded) schedules request i at base + (i - from) / rate.
  let from = 0
  let base = 0
  const scheduledAt = (i: number) => base + (i - from) * interval
  let onIdle: (() => void) | undefined

  const release = (client: Client) => {
    if (waitHead < waitIndex.length) {
      const i = waitIndex[waitHead]!
      const at = waitAt[waitHead]!
      const issuedAt = waitIssued[waitHead++]!
      dispatch(client, i, at, issuedAt, performance.now())
    } else idle.push(client)
  }
  const dispatch = (client: Client, i: number, at: number, issuedAt: number, dispatchedAt: number) => {
    const req = mix[i % mix.length]!
    const recorded = i >= warmN
    if (recorded) sent++
    inFlight++
    let status = 0
    let retryAfter = false
    let body = ''
    let settled = false
    const finish = (failed: boolean) => {
      if (settled || closing) return // closing: counted as timeouts already
      settled = true
      inFlight--
      const end = performance.now()
      if (!recorded) {
        if (!failed) recordMs(warmLatency, end - at)
        if (!failed && idPattern && status >= 200 && status <= 299)
          for (const m of body.matchAll(idPattern)) if (m[1]) warmAcceptedIds.push(m[1])
      } else {
        lastEndAt = end
        if (failed) errors++
        else {
          completed++
          statuses[status] = (statuses[status] ?? 0) + 1
          recordMs(latency, end - at)
          if (status >= 200 && status <= 299) {
            recordMs(acceptedLatency, end - at)
            recordMs(acceptedFromIssue, end - issuedAt)
            recordMs(acceptedOnConnection, end - dispatchedAt)
            recordMs(acceptedConnectionWait, dispatchedAt - issuedAt)
            if (idPattern) for (const m of body.matchAll(idPattern)) if (m[1]) acceptedIds.push(m[1])
          } else {
            non2xx++
            if (status === 503) {
              recordMs(shedLatency, end - at)
              if (retryAfter) shedWithRetryAfter++
            }
          }
        }
      }
      release(client)
      if (inFlight === 0 && waitHead === waitIndex.length) onIdle?.()
    }
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: () => {},
      onResponseStart: (_c, statusCode, headers) => {
        status = statusCode
        retryAfter = headers['retry-after'] !== undefined
      },
      onResponseData: (_c, chunk) => {
        if (idPattern && status >= 200 && status <= 299) body += chunk.toString()
      },
      onResponseEnd: () => finish(false),
      onResponseError: () => finish(true),
    }
    client.dispatch({ path: req.path, method: req.method, headers: req.headers, body: req.body }, handler)
  }
  const send = (i: number) => {
    const at = scheduledAt(i)
    const issuedAt = performance.now()
    if (i >= warmN) {
      lastIssueAt = issuedAt
      recordMs(lateness, lastIssueAt - at)
    }
    const client = idle.pop() ?? (clients.length < o.maxConnections ? openClient() : undefined)
    if (client) return dispatch(client, i, at, issuedAt, issuedAt)
    if (i >= warmN) queued++
    waitIndex.push(i)
    waitAt.push(at)
    waitIssued.push(issuedAt)
  }
  const runPhase = (start: number, end: number) =>
    new Promise<void>((resolve) => {
      from = start
      base = performance.now() + o.tickMs
      let next = start
      const tick = () => {
        const now = performance.now()
        while (next < end && scheduledAt(next) <= now) send(next++)
        if (next < end) setTimeout(tick, o.tickMs)
        else resolve()
      }
      setTimeout(tick, o.tickMs)
    })
  /** Resolves true once nothing is in flight or waiting, false after `drainMs`. */
  const drain = () =>
    inFlight === 0 && waitHead === waitIndex.length
      ? Promise.resolve(true)
      : new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => {
            onIdle = undefined
            resolve(false)
          }, o.drainMs)
          onIdle = () => {
            onIdle = undefined
            clearTimeout(timer)
            resolve(true)
          }
        })

  let settleMs = 0
  if (warmN > 0) {
    await runPhase(0, warmN)
    const t = performance.now()
    await drain()
    settleMs = performance.now() - t
  }
  onPhase?.('recording')
  const cpuBefore = process.cpuUsage()
  const wallBefore = performance.now()
  const recording = runPhase(warmN, total)
  const firstRecordedAt = base
  await recording
  await drain()
  onPhase?.('done')
  const cpu = process.cpuUsage(cpuBefore)
  const generatorCpuPercent = Math.round((cpu.user + cpu.system) / 10 / (performance.now() - wallBefore))
  const timeouts = total - warmN - completed - errors
  const peakConnections = clients.length
  closing = true
  await Promise.all(clients.map((c) => c.destroy()))

  return {
    rate: o.rate,
    seconds: o.seconds,
    scheduled: total - warmN,
    sent,
    completed,
    non2xx,
    errors,
    timeouts,
    queuedForConnection: queued,
    peakConnections,
    issuedRps: Math.round(((total - warmN) * 1000) / Math.max(interval, lastIssueAt - firstRecordedAt)),
    achievedRps:
      completed > 0 ? Math.round((completed * 1000) / Math.max(interval, lastEndAt - firstRecordedAt)) : 0,
    latencyMs: summarize(latency),
    acceptedLatencyMs: summarize(acceptedLatency),
    acceptedFromIssueMs: summarize(acceptedFromIssue),
    acceptedOnConnectionMs: summarize(acceptedOnConnection),
    acceptedConnectionWaitMs: summarize(acceptedConnectionWait),
    shedLatencyMs: summarize(shedLatency),
    statuses,
    shedWithRetryAfter,
    acceptedIds,
    latenessMs: summarize(lateness),
    generatorCpuPercent,
    warmup: {
      latencyMs: summarize(warmLatency),
      settleMs: Math.round(settleMs),
      acceptedIds: warmAcceptedIds,
    },
    issueSpanMs: Math.round((lastIssueAt - firstRecordedAt) * 100) / 100,
  }
}

const CHILD_FLAG = '--d11-open-model-child'

/**
 * Runs the generator in a forked child (its own event loop and core) and returns its result.
 * `nodeFlags` go to the child's Node (e.g. `--max-semi-space-size=64`: fewer GC pauses in the
 * generator itself).
 */
export async function runOpenModelInChild(
  options: OpenModelOptions,
  nodeFlags: string[] = [],
  onPhase?: (phase: OpenModelPhase) => void,
): Promise<OpenModelResult> {
  check(options)
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], {
    execArgv: [...nodeFlags, '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const reply = new Promise<OpenModelResult>((resolve, reject) => {
    child.on('message', (m) => {
      const msg = m as { phase?: OpenModelPhase; result?: OpenModelResult; error?: string }
      if (msg.phase) onPhase?.(msg.phase)
      else if (msg.result) resolve(msg.result)
      else reject(new OpenModelError(msg.error ?? 'open model: child failed'))
    })
    child.once('exit', (code) => reject(new OpenModelError(`open model: child exited with code ${code}`)))
  })
  child.send(options)
  return reply
}

if (process.argv[2] === CHILD_FLAG && process.send) {
  process.once('message', (opts) => {
    runOpenModel(opts as OpenModelOptions, (phase) => process.send?.({ phase })).then(
      (result) => process.send?.({ result }, () => process.exit(0)),
      (err: Error) => process.send?.({ error: err.message }, () => process.exit(1)),
    )
  })
}
