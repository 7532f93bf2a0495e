import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { queryRows } from '@d11/store/connection'
import { loadSpool } from '@d11/store/spool'
import { openTestStore } from '@d11/store/testing'
import autocannon from 'autocannon'
import { afterAll, describe, expect, it } from 'vitest'
import { type OpenModelRequest, runOpenModelInChild } from '../bench/open-model.ts'

// Issue 17: the platform in its own process (durable acceptance on), the open-model generator in
// a third, at a rate set from the order capacity measured a moment before. The shared 2-core box
// cannot give a server and a generator enough CPU to go far past the real capacity and still
// measure latency (bench/index.ts reports 1×, 2×, 4× where the cores are free), so the test lowers
// the platform's own limit instead: a request queued more than 1 ms behind the first of its
// event-loop turn is shed (and from the turn's second request on, not its ninth). The sheds are real queueing (bursts that arrive together), not the
// fault header. The excess gets 503 + Retry-After and the coded body, accepted orders stay under
// the stated bound, and every order answered 201 is in the store once the spool is loaded.

/** Offered rate as a share of the measured capacity. */
const LOAD_FACTOR = 0.75
/** The platform's queueing limits for this test (defaults: 25 ms, 40 ms, 8 requests). */
const PRESSURE = { maxQueueMs: 1, maxEventLoopDelayMs: 5, minTurnRequests: 1 }
/**
 * Stated bound on the accepted-order p99, from the moment the generator issued the request (its
 * own lateness on a shared box is not the server's queue; waits for a connection count).
 */
const ACCEPTED_P99_BOUND_MS = 1000
const dir = mkdtempSync(join(tmpdir(), 'd11-overload-'))
const children: ChildProcess[] = []
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

async function startPlatform(config: Record<string, unknown>): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(
    fileURLToPath(new URL('../bench/server.ts', import.meta.url)),
    ['platform', JSON.stringify(config)],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  )
  children.push(child)
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port))
    child.once('exit', (code) => reject(new Error(`platform child exited with ${code}`)))
  })
  return { child, url: `http://127.0.0.1:${port}` }
}

async function stopPlatform(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.send('stop') // app.close(): drains requests, closes the spool segment
  await exited
}

// bench/server.ts loads 1 000 SKUs s-b0 … s-b999 with ample stock; buyer b-1 ships to Zhejiang.
const order = (i: number) =>
  JSON.stringify({ buyerId: 'b-1', kind: 'spot', items: [{ skuId: `s-b${i % 1000}`, quantity: 1 }] })
const requests: OpenModelRequest[] = Array.from({ length: 1000 }, (_, i) => ({
  method: 'POST',
  path: '/buyer/orders',
  body: order(i),
  headers: { 'content-type': 'application/json' },
}))

describe('overload: shed the excess, keep accepted orders fast and stored', () => {
  it('past the queueing limit: 503 + Retry-After on the excess, accepted p99 bounded, accepted ids = stored ids', async () => {
    // 1) Capacity of order placement on this machine now (closed model, its own server).
    const probe = await startPlatform({ spoolDir: join(dir, 'probe-spool'), runId: 'probe' })
    const closed = await autocannon({
      url: probe.url,
      connections: 16,
      duration: 2,
      requests: [
        {
          method: 'POST',
          path: '/buyer/orders',
          body: order(0),
          headers: { 'content-type': 'application/json' },
        },
      ],
    })
    await stopPlatform(probe.child)
    // Answers other than 201 are shed ones: a shared box's CPU starvation delays the loop too.
    const capacity = (closed as unknown as { '2xx': number })['2xx'] / 2
    expect(capacity).toBeGreaterThan(100)

    // 2) LOAD_FACTOR × capacity for 3 s, open model, in a process of its own.
    const runId = `overload-${process.pid}`
    const spoolDir = join(dir, 'spool')
    const platform = await startPlatform({ spoolDir, runId, ...PRESSURE })
    const r = await runOpenModelInChild({
      url: platform.url,
      rate: Math.round(capacity * LOAD_FACTOR),
      seconds: 3,
      requests,
      connections: 64,
      maxConnections: 256,
      drainMs: 10_000,
      acceptedIdPattern: '"orders":\\[\\{"id":"([^"]+)"',
    })
    const health = (await (await fetch(`${platform.url}/admin/health`)).json()) as {
      pressure: { shed: number; limits: { maxEventLoopDelayMs: number } }
    }
    await stopPlatform(platform.child)
    const accepted = r.statuses['201'] ?? 0
    const shed = r.statuses['503'] ?? 0
    console.log(
      `capacity ${Math.round(capacity)}/s; offered ${r.rate}/s: ${accepted} accepted, ${shed} shed, ` +
        `accepted p50 ${r.acceptedLatencyMs.p50} ms p99 ${r.acceptedLatencyMs.p99} ms (from issue: p99 ${r.acceptedFromIssueMs.p99} ms), shed p99 ${r.shedLatencyMs.p99} ms, ` +
        `statuses ${JSON.stringify(r.statuses)}, errors ${r.errors}, timeouts ${r.timeouts}, generator lateness p99 ${r.latenessMs.p99} ms, cpu ${r.generatorCpuPercent} %, queued for a connection ${r.queuedForConnection}, peak connections ${r.peakConnections}, achieved ${r.achievedRps}/s`,
    )
    expect(r.errors).toBe(0)
    expect(r.timeouts).toBe(0)
    expect(accepted + shed).toBe(r.scheduled) // nothing else: no 500, no refused connection
    expect(shed).toBeGreaterThan(0)
    expect(r.shedWithRetryAfter).toBe(shed)
    expect(health.pressure.shed).toBe(shed)
    expect(accepted).toBeGreaterThan(0)
    expect(r.acceptedFromIssueMs.p99).toBeLessThan(ACCEPTED_P99_BOUND_MS)

    // 3) Accepted ids = stored ids, nothing stored twice.
    expect(r.acceptedIds.length).toBe(accepted)
    const lines = readdirSync(spoolDir).flatMap((f) =>
      readFileSync(join(spoolDir, f), 'utf8').split('\n').filter(Boolean),
    )
    const placed = lines
      .map((l) => JSON.parse(l) as { row: { event_id: string; kind: string; order_id: string } })
      .filter((l) => l.row.kind === 'order.placed')
    expect(new Set(placed.map((l) => l.row.event_id)).size).toBe(placed.length)
    const { store, cleanup } = await openTestStore('overload')
    try {
      const res = await loadSpool(store, spoolDir)
      expect(res.badLines).toEqual([])
      const stored = await queryRows<{ order_id: string }>(
        store,
        `SELECT order_id FROM ${store.t('events')} FINAL WHERE run_id = {run:String} AND kind = 'order.placed'`,
        { run: runId },
      )
      const storedIds = stored.map((s) => s.order_id).sort()
      expect(new Set(storedIds).size).toBe(storedIds.length)
      expect(storedIds).toEqual([...r.acceptedIds].sort())
    } finally {
      await cleanup()
    }
  }, 90_000)
})
