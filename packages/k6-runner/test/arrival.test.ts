import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { metric, run } from './helpers.ts'
import { startServer, type TestServer } from './server.ts'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe('arrival-rate executors', () => {
  it('constant-arrival-rate achieves the target rate within 2 % below saturation', async () => {
    const r = await run('arrival.js', { BASE_URL: server.url, RATE: '100', DURATION: '3s' })
    expect(r.error).toBeUndefined()
    expect(r.exitCode).toBe(0)
    const iterations = metric(r, 'iterations').count!
    const lag = metric(r, 'd11_iteration_latency_from_schedule')
    // 100/s for 3 s: 300 iterations, spread over the whole window
    expect(Math.abs(iterations - 300) / 300).toBeLessThan(0.02)
    const achieved = iterations / (r.summary!.state.testRunDurationMs / 1000)
    expect(Math.abs(achieved - 100) / 100).toBeLessThan(0.02)
    expect(metric(r, 'http_reqs').count).toBe(iterations)
    expect(r.summary!.metrics.dropped_iterations).toBeUndefined()
    expect(lag['p(95)']).toBeLessThan(200)
  })

  it('ramping-arrival-rate follows the ramp: 0 -> 100/s over 2 s is 100 iterations', async () => {
    const r = await run('arrival.js', {
      BASE_URL: server.url,
      EXECUTOR: 'ramping-arrival-rate',
      RATE: '100',
      DURATION: '2s',
    })
    expect(r.error).toBeUndefined()
    expect(r.exitCode).toBe(0)
    expect(Math.abs(metric(r, 'iterations').count! - 100)).toBeLessThanOrEqual(2)
  })

  it('counts dropped_iterations when maxVUs are exhausted', async () => {
    // 2 VUs x (1 / 200 ms) = 10 iterations/s of capacity against 50/s offered for 2 s
    const r = await run('arrival.js', {
      BASE_URL: server.url,
      RATE: '50',
      MAX_VUS: '2',
      FAULT: 'latency=200ms',
    })
    expect(r.error).toBeUndefined()
    expect(r.exitCode).toBe(0)
    const done = metric(r, 'iterations').count!
    const dropped = metric(r, 'dropped_iterations').count!
    expect(done + dropped).toBe(100)
    expect(dropped).toBeGreaterThan(60)
    expect(metric(r, 'vus_max').value).toBe(2)
    expect(r.stderr).toContain('Insufficient VUs')
  })

  it('__VU, __ITER and k6/execution stay per iteration across awaits of interleaved iterations', async () => {
    const r = await run('context.js', { BASE_URL: server.url })
    expect(r.error).toBeUndefined()
    const checks = r.summary!.root_group.checks
    expect(checks.map((c) => c.name)).toHaveLength(4)
    for (const c of checks)
      expect({ name: c.name, passes: c.passes, fails: c.fails }).toEqual({
        name: c.name,
        passes: 40,
        fails: 0,
      })
    // 40/s with 60 ms per iteration needs about 3 VUs at once, so several VUs really interleaved
    expect(metric(r, 'd11_max_vu').max).toBeGreaterThan(1)
  })

  it('latency from the scheduled start exposes a stall that http_req_duration hides', async () => {
    // one connection: while request 20 stalls 500 ms, the iterations behind it wait for the
    // connection (http_req_blocked), which k6's http_req_duration leaves out
    const env = { BASE_URL: server.url, RATE: '50', STALL_AT: '20', STALL: 'latency=500ms' }
    const base = await run('arrival.js', { ...env, STALL: '' }, { connectionsPerHost: 1 })
    const slowed = await run('arrival.js', env, { connectionsPerHost: 1 })
    const lag = (r: typeof base) => metric(r, 'd11_iteration_latency_from_schedule')['p(90)']!
    const dur = (r: typeof base) => metric(r, 'http_req_duration')['p(90)']!
    expect(lag(slowed)).toBeGreaterThan(150)
    expect(lag(slowed)).toBeGreaterThan(lag(base) + 100)
    expect(dur(slowed)).toBeLessThan(dur(base) + 30)
    expect(metric(slowed, 'http_req_blocked')['p(90)']).toBeGreaterThan(100)
  })
})
