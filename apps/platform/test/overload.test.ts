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

// Issue 17: the platform in its own process (default overload thresholds, durable acceptance on),
// the open-model generator in a third, offered OVERLOAD_FACTOR × the order capacity measured a
// moment before in this test. Orders carry ITEMS SKUs (split into as many orders) so the
// capacity is ~1 200 requests/s on the 2-core box and 2× stays within one generator core's reach
// (~6 000 requests/s). The excess gets 503 + Retry-After and the coded body, accepted orders stay
// under the stated bound, and every order answered 201 is in the store once the spool is loaded.
// Robust on a busy CI box: the bound is on the accepted p99 from the moment the generator issued
// the request (its own lateness when starved is not the platform's queue), and it holds a wide
// margin over what the box measures (see ACCEPTED_P99_BOUND_MS). It shares the box with the other
// test files vitest runs at once; it does not need to run alone: the capacity is measured under the
// same contention, and the shed share and p99 bound only assume it does not change tenfold.

/** Offered rate as a multiple of the capacity measured in this test. */
const OVERLOAD_FACTOR = 2
/** SKUs per order request (each becomes an order of its own). */
const ITEMS = 20
/**
 * Stated bound on the accepted-order p99 at 2×, ms from the moment the generator issued the
 * request (waits for a connection included). With the defaults (25 ms queue limit) this test
 * measured 0.21–0.44 s alone on the 2-core box at load 8–10 and 0.80 s inside the platform's full
 * suite at load 30 (other sessions' work; the server then gets a fraction of a core, and requests
 * wait in the kernel whatever the gate does). 1.5 s leaves room for a CI box running the other
 * test files at once; the bench (README, Overload figures) reports the figure on free cores.
 */
const ACCEPTED_P99_BOUND_MS = 1500
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
  JSON.stringify({
    buyerId: 'b-1',
    kind: 'spot',
    items: Array.from({ length: ITEMS }, (_, k) => ({ skuId: `s-b${(i * ITEMS + k) % 1000}`, quantity: 1 })),
  })
const requests: OpenModelRequest[] = Array.from({ length: 1000 }, (_, i) => ({
  method: 'POST',
  path: '/buyer/orders',
  body: order(i),
  headers: { 'content-type': 'application/json' },
}))

describe('overload: shed the excess, keep accepted orders fast and stored', () => {
  it('at 2× capacity: 503 + Retry-After on the excess, accepted p99 bounded, accepted ids = stored ids', async () => {
    // 1) Capacity of order placement on this machine now (closed model, its own server).
    // Shedding off: a closed model resends every shed request at once, and the storm of sheds
    // would leave fewer orders per second than the platform can place.
    const probe = await startPlatform({
      spoolDir: join(dir, 'probe-spool'),
      runId: 'probe',
      maxQueueMs: 0,
      maxEventLoopDelayMs: 0,
    })
    const closed = await autocannon({
      url: probe.url,
      connections: 128, // enough that each connection's wait for the group commit does not bound it
      duration: 2,
      requests,
    })
    await stopPlatform(probe.child)
    const capacity = (closed as unknown as { '2xx': number })['2xx'] / 2
    expect(capacity).toBeGreaterThan(100)

    // 2) OVERLOAD_FACTOR × capacity for 3 s after 1 s of warm-up (a cold server's first second is
    //    JIT, not queueing), open model, its own process.
    const runId = `overload-${process.pid}`
    const spoolDir = join(dir, 'spool')
    const platform = await startPlatform({ spoolDir, runId })
    const r = await runOpenModelInChild({
      url: platform.url,
      rate: Math.round(capacity * OVERLOAD_FACTOR),
      seconds: 3,
      warmupSeconds: 1,
      requests,
      connections: 64,
      maxConnections: 1024,
      drainMs: 10_000,
      acceptedIdPattern: '"id":"(o-[^"]+)"',
    })
    const health = (await (await fetch(`${platform.url}/admin/health`)).json()) as {
      pressure: { shed: number }
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
    expect(health.pressure.shed).toBeGreaterThanOrEqual(shed) // the warm-up's sheds count there too
    // Past capacity: part of the offered load is shed (about half when the capacity probe and this
    // run see the same box; less when the box was busier during the probe), and the platform keeps
    // accepting.
    expect(shed / r.scheduled).toBeGreaterThan(0.05)
    expect(accepted).toBeGreaterThan(capacity * 3 * 0.3)
    expect(r.acceptedFromIssueMs.p99).toBeLessThan(ACCEPTED_P99_BOUND_MS)

    // 3) Accepted ids = stored ids, nothing stored twice.
    expect(r.acceptedIds.length).toBe(accepted * ITEMS) // one id per order, ITEMS orders per 201
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
      expect(storedIds).toEqual([...r.acceptedIds, ...r.warmup.acceptedIds].sort())
    } finally {
      await cleanup()
    }
  }, 90_000)
})
