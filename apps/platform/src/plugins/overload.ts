import type { IncomingMessage, ServerResponse } from 'node:http'
import { createHistogram, performance } from 'node:perf_hooks'
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { PlatformConfig } from '../config.ts'
import { PlatformError } from '../errors.ts'

/**
 * Overload protection (issue 17). Two limits, both answered at once with 503 + `Retry-After` and
 * the coded error body:
 *
 * - **Shedding** (`PLAT_ERR_SHED`), at the socket, before Fastify sees the request. A backlog
 *   waits in socket buffers where an in-flight count cannot see it, so the gate looks at the
 *   queue itself. Node reads, in one event-loop turn, every request that was waiting when the turn
 *   began; the gate times each against the turn's first one. The first request of a turn is always
 *   admitted (nothing queues behind a lone request). A later one is shed when it was read more than
 *   `maxQueueMs` after the turn's first (it waited at least that long), or while the last pressure
 *   sample is past its limit (mean event-loop delay `maxEventLoopDelayMs`, utilisation
 *   `maxEventLoopUtilization`): sustained queueing across turns.
 * - **In flight** (`PLAT_ERR_OVERLOADED`): more than `maxInFlight` requests between `onRequest`
 *   and their response (slow handlers, slow clients).
 *
 * `@fastify/under-pressure` samples the loop (its `monitorEventLoopDelay` histogram, utilisation,
 * heap, RSS every `pressureSampleMs`) and its figures drive the gate and /admin/health. Its own
 * `onRequest` hook is not used, for three reasons measured on the 2-core box: a request shed there
 * has already cost Fastify's request, routing and hooks (server CPU per shed request 122 µs there,
 * 106 µs at the socket, ~200 µs per accepted order); it sheds lone requests whenever the CPU is
 * starved by other processes (no queue: the shared box's tests were shed); and it sheds everything
 * for a whole sample after one long synchronous task (a world load), which reports as Infinity.
 *
 * `/admin/*` is never shed: the operator's health, clock and world routes must answer under load
 * (they still count towards `maxInFlight`). `inject()` does not pass the socket gate.
 */

/** Pressure figures of the last sample and what was shed so far (GET /admin/health). */
export interface PressureReport {
  /** Mean event-loop delay of the last sample, ms (timer resolution subtracted); -1: no loop sample in the window. */
  eventLoopDelayMs: number
  /** Event-loop utilisation of the last sample, 0..1. */
  eventLoopUtilization: number
  heapUsedBytes: number
  rssBytes: number
  /** True while the last sample is past a limit (requests after a turn's first are shed). */
  underPressure: boolean
  /** Requests answered 503 `PLAT_ERR_SHED` since start. */
  shed: number
  /** Requests answered 503 `PLAT_ERR_OVERLOADED` since start. */
  overloaded: number
  inFlight: number
  limits: { maxEventLoopDelayMs: number; maxEventLoopUtilization: number; maxInFlight: number }
  /**
   * Admitted requests since start, ms from the moment the server read the request to the end of
   * its reply (handler, durable-acceptance wait and writing included; the wait in the socket
   * before the read is not visible here).
   */
  serverMs: LatencySummary
  /** Turns that read requests: ms from a turn's first read to its end (setImmediate). */
  turnMs: LatencySummary
  /** The same turns: requests admitted per turn (a count, not ms). */
  turnAdmitted: LatencySummary
}

export interface LatencySummary {
  count: number
  p50: number
  p99: number
  max: number
}

/** A microsecond histogram (Node's HdrHistogram) read out in ms. */
export function latencyHistogram() {
  const h = createHistogram({ lowest: 1, highest: 600_000_000, figures: 2 })
  const ms = (us: number) => Math.round(us / 10) / 100
  return {
    record: (elapsedMs: number) => h.record(Math.min(600_000_000, Math.max(1, Math.round(elapsedMs * 1000)))),
    summary: (): LatencySummary =>
      h.count === 0
        ? { count: 0, p50: 0, p99: 0, max: 0 }
        : { count: h.count, p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) },
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    inFlight: () => number
    pressure: () => PressureReport
  }
}

const COUNTED = Symbol('d11.inFlight')
type Counted = { [COUNTED]?: boolean }

export const overloadPlugin = fp(
  async (app: FastifyInstance, opts: { config: PlatformConfig }) => {
    const { config } = opts
    const retryAfter = String(config.retryAfterS)
    let inFlight = 0
    let shed = 0
    let overloaded = 0

    app.addHook('onRequest', (req, reply, done) => {
      ;(req as Counted)[COUNTED] = true
      inFlight += 1
      if (inFlight > config.maxInFlight) {
        overloaded += 1
        const detail = `more than ${config.maxInFlight} requests in flight`
        const err = new PlatformError('PLAT_ERR_OVERLOADED', '', detail)
        reply.code(503).header('retry-after', retryAfter).send(err.toBody())
        return
      }
      done()
    })
    const release = (req: FastifyRequest) => {
      if ((req as Counted)[COUNTED]) {
        ;(req as Counted)[COUNTED] = false
        inFlight -= 1
      }
    }
    app.addHook('onResponse', (req, _reply, done) => {
      release(req)
      done()
    })
    app.addHook('onRequestAbort', (req, done) => {
      release(req)
      done()
    })

    // Sampler only: with no limit given, under-pressure adds no hook (see the comment above).
    await app.register(underPressure, {
      // 'interval': utilisation of the last sample, not since start (a busy minute must not shed forever)
      eventLoopUtilizationMode: 'interval',
      sampleInterval: config.pressureSampleMs,
    })

    // The gate's view of pressure, refreshed every sample; a prepared body per sample.
    let shedding = false
    let shedBody = ''
    const sample = setInterval(() => {
      const m = app.memoryUsage()
      const delayed =
        config.maxEventLoopDelayMs > 0 &&
        Number.isFinite(m.eventLoopDelay) &&
        m.eventLoopDelay > config.maxEventLoopDelayMs
      const busy = config.maxEventLoopUtilization > 0 && m.eventLoopUtilized > config.maxEventLoopUtilization
      shedding = delayed || busy
      if (shedding) {
        const detail = delayed
          ? `eventLoopDelay ${m.eventLoopDelay.toFixed(1)} past its limit`
          : `eventLoopUtilization ${m.eventLoopUtilized.toFixed(3)} past its limit`
        shedBody = JSON.stringify(new PlatformError('PLAT_ERR_SHED', '', detail).toBody())
      }
    }, config.pressureSampleMs)
    sample.unref()
    app.addHook('onClose', async () => clearInterval(sample))
    const fastShed = (res: ServerResponse, body: string) => {
      shed += 1
      res.writeHead(503, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'retry-after': retryAfter,
      })
      res.end(body)
    }
    // Queueing seen per event-loop turn. Node reads, in one turn's poll phase, the requests whose
    // sockets were ready when it began; one that arrived just after the previous poll began waited
    // through the rest of that turn too. So a request's wait is bounded by its read time less the
    // previous turn's start, when the loop went straight from that turn to this one (it ended less
    // than `maxQueueMs` before this turn's first read), else less this turn's first read. Past
    // `maxQueueMs` the rest of the turn is shed. (Timing from this turn's first read alone missed
    // the wait through the previous turn: under overload, turns of 60–200 ms admitted every request
    // read in their first 25 ms, and accepted orders queued for a turn or more each.) A turn ends
    // at setImmediate, after the poll phase.
    const maxQueueMs = config.maxQueueMs > 0 ? config.maxQueueMs : Number.POSITIVE_INFINITY
    const queueBody = JSON.stringify(
      new PlatformError('PLAT_ERR_SHED', '', `queued more than ${config.maxQueueMs} ms`).toBody(),
    )
    const serverTime = latencyHistogram()
    let turnStart = -1
    let turnRequests = 0
    /** What this turn's requests are timed from (see above); the previous read turn's start and end. */
    let queueFrom = -1
    let lastTurnStart = -1
    let lastTurnEnd = Number.NEGATIVE_INFINITY
    const turnTime = latencyHistogram()
    const turnAdmitted = latencyHistogram()
    let admittedInTurn = 0
    const endTurn = () => {
      turnTime.record(performance.now() - turnStart)
      turnAdmitted.record(admittedInTurn) // a count, read back as is
      admittedInTurn = 0
      lastTurnStart = turnStart
      lastTurnEnd = performance.now()
      turnStart = -1
      turnRequests = 0
    }
    const server = app.server
    const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>
    if (handlers.length === 1 && handlers[0]) {
      const fastify = handlers[0]
      server.removeListener('request', fastify)
      const admit = (req: IncomingMessage, res: ServerResponse, readAt: number) => {
        admittedInTurn += 1
        res.once('finish', () => serverTime.record(performance.now() - readAt))
        fastify(req, res)
      }
      server.on('request', (req: IncomingMessage, res: ServerResponse) => {
        const readAt = performance.now()
        if (turnStart < 0) {
          turnStart = readAt
          queueFrom = readAt - lastTurnEnd < maxQueueMs ? lastTurnStart : readAt
          setImmediate(endTurn)
        }
        turnRequests += 1
        // A few requests read together are no queue (a client and a merchant service calling at
        // once on a busy box): only past `minTurnRequests` in one turn is anything shed.
        if (turnRequests <= config.minTurnRequests || req.url?.startsWith('/admin'))
          return admit(req, res, readAt)
        if (shedding) return fastShed(res, shedBody)
        if (readAt - queueFrom > maxQueueMs) return fastShed(res, queueBody)
        admit(req, res, readAt)
      })
    }

    // Closing: Node closes the keep-alive connections idle at that instant only; one busy then and
    // idle after its last reply would hold close() open until its keep-alive timeout.
    app.addHook('preClose', (done) => {
      const sweep = setInterval(() => server.closeIdleConnections(), 50)
      server.once('close', () => clearInterval(sweep))
      done()
    })

    app.decorate('inFlight', () => inFlight)
    app.decorate('pressure', (): PressureReport => {
      const m = app.memoryUsage()
      return {
        eventLoopDelayMs: Number.isFinite(m.eventLoopDelay) ? Math.round(m.eventLoopDelay * 100) / 100 : -1,
        eventLoopUtilization: Math.round(m.eventLoopUtilized * 1000) / 1000,
        heapUsedBytes: m.heapUsed,
        rssBytes: m.rssBytes,
        underPressure: shedding,
        shed,
        overloaded,
        inFlight,
        limits: {
          maxEventLoopDelayMs: config.maxEventLoopDelayMs,
          maxEventLoopUtilization: config.maxEventLoopUtilization,
          maxInFlight: config.maxInFlight,
        },
        serverMs: serverTime.summary(),
        turnMs: turnTime.summary(),
        turnAdmitted: turnAdmitted.summary(),
      }
    })
  },
  { name: 'd11-overload' },
)
