import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OpenModelError, runOpenModel } from '../bench/open-model.ts'

// The bench's open-model generator against a tiny server that answers no sooner than DELAY_MS after
// the request body arrived (`/fail` answers 503, `/slow` after 1 s). No timing thresholds: only bounds the schedule
// guarantees (nothing is sent before its instant, nothing answers before the server's delay).
const DELAY_MS = 5
let server: Server
let url: string

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const arrived = performance.now()
      const answer = () => {
        if (performance.now() - arrived < DELAY_MS) return void setTimeout(answer, 1)
        if (req.url === '/slow' && performance.now() - arrived < 1000) return void setTimeout(answer, 50)
        res.statusCode = req.url === '/fail' ? 503 : 200
        res.end('{}')
      }
      answer()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('runOpenModel', () => {
  it('sends rate × seconds requests spread over the window, latency from the schedule', async () => {
    const phases: string[] = []
    const r = await runOpenModel(
      {
        url,
        rate: 200,
        seconds: 1,
        connections: 8,
        requests: [
          { method: 'POST', path: '/ok', headers: { 'content-type': 'application/json' }, body: '{"a":1}' },
          { method: 'GET', path: '/fail' },
        ],
      },
      (phase) => phases.push(phase),
    )
    expect(phases).toEqual(['recording', 'done'])
    expect(r.scheduled).toBe(200)
    expect(r.sent).toBe(200)
    expect(r.completed).toBe(200)
    expect(r.errors).toBe(0)
    expect(r.timeouts).toBe(0)
    expect(r.non2xx).toBe(100) // every second request is /fail
    // Evenly spaced, not one burst: the 200th request is not issued before 199 / 200 s.
    expect(r.issueSpanMs).toBeGreaterThanOrEqual(995)
    // Every response took at least the server's delay (histogram precision is 0.1 %).
    expect(r.latencyMs.min).toBeGreaterThanOrEqual(DELAY_MS * 0.999)
    expect(r.latencyMs.p99).toBeGreaterThanOrEqual(r.latencyMs.p50)
    // The generator's own lateness is reported, and never negative.
    expect(r.latenessMs.min).toBeGreaterThanOrEqual(0)
    expect(r.latenessMs.max).toBeGreaterThanOrEqual(r.latenessMs.p99)
    expect(r.peakConnections).toBeGreaterThanOrEqual(8)
  })

  it('warms up unrecorded, then records the full schedule', async () => {
    const r = await runOpenModel({
      url,
      rate: 200,
      seconds: 0.25,
      warmupSeconds: 0.25,
      connections: 4,
      requests: [{ method: 'GET', path: '/fail' }],
    })
    expect(r.warmup.latencyMs.min).toBeGreaterThanOrEqual(DELAY_MS * 0.999) // 50 warm-up requests answered
    expect(r.scheduled).toBe(50)
    expect(r.sent).toBe(50)
    expect(r.non2xx).toBe(50) // the warm-up's 50 are not counted
  })

  it('keeps the schedule when connections run out: waits are counted and land in latency', async () => {
    // One connection, 5 ms per request, 400 req/s offered: the server can take at most 200 req/s.
    const r = await runOpenModel({
      url,
      rate: 400,
      seconds: 0.5,
      connections: 1,
      maxConnections: 1,
      requests: [{ method: 'GET', path: '/ok' }],
    })
    expect(r.completed).toBe(200)
    expect(r.peakConnections).toBe(1)
    expect(r.queuedForConnection).toBeGreaterThan(0)
    // 200 requests one after another take ≥ 1 000 ms; the last was scheduled at 497.5 ms, so
    // measured from its schedule it waited ≥ 502.5 ms (a closed-loop client would report ~5 ms).
    expect(r.latencyMs.max).toBeGreaterThanOrEqual(502)
    expect(r.achievedRps).toBeLessThan(r.rate)
  })

  it('counts responses still missing after drainMs as timeouts, not errors', async () => {
    const r = await runOpenModel({
      url,
      rate: 100,
      seconds: 0.1,
      connections: 4,
      drainMs: 50,
      requests: [{ method: 'GET', path: '/slow' }],
    })
    expect(r.scheduled).toBe(10)
    expect(r.sent).toBe(10)
    expect(r.completed).toBe(0)
    expect(r.errors).toBe(0)
    expect(r.timeouts).toBe(10)
  })

  it('rejects bad options naming the field', async () => {
    const base = { url, rate: 100, seconds: 1, requests: [{ method: 'GET' as const, path: '/' }] }
    await expect(runOpenModel({ ...base, rate: 0 })).rejects.toThrow(/rate must be a positive number/)
    await expect(runOpenModel({ ...base, requests: [] })).rejects.toThrow(OpenModelError)
    await expect(runOpenModel({ ...base, connections: 8, maxConnections: 4 })).rejects.toThrow(
      /maxConnections/,
    )
  })
})
