import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buyer, merchant, sku } from '@d11/platform/testing'
import { queryRows } from '@d11/store/connection'
import { loadSpool } from '@d11/store/spool'
import { openTestStore } from '@d11/store/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Issue 17: `pnpm d11 serve`, started exactly as the README starts it, is stopped while orders
// arrive — by SIGTERM and SIGINT (to its process group, as a terminal's Ctrl-C or a supervisor
// does), by SIGTERM to the pnpm launcher alone, and by SIGKILL of the server process and of the
// whole group. Then the spool is ingested: every order answered 201 is stored, none twice. The
// model (apps/platform README, "Reliability"): a 201 leaves after its events are written and
// fsync'd (group commit), so even SIGKILL has no loss window.

const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const root = mkdtempSync(join(tmpdir(), 'd11-serve-signals-'))
let store: Awaited<ReturnType<typeof openTestStore>>
const started: ChildProcess[] = []

beforeAll(async () => {
  store = await openTestStore('serve_signals')
}, 60_000)
afterAll(async () => {
  for (const c of started) if (c.pid && c.exitCode === null) killGroup(c.pid, 'SIGKILL')
  await store?.cleanup()
  rmSync(root, { recursive: true, force: true })
}, 60_000)

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal)
  } catch {}
}

/** The `node …/d11.js serve` process in the launcher's process group (pnpm → sh → node). */
function serverPid(pgid: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
      if (Number(fields[2]) === pgid && cmd[0]?.endsWith('node') && cmd.some((a) => a.endsWith('d11.js')))
        return Number(entry)
    } catch {}
  }
  throw new Error(`no d11 server in process group ${pgid}`)
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function startServe(spool: string, runId: string) {
  const launcher = spawn(
    'pnpm',
    [
      'd11',
      'serve',
      '--clock-start',
      '2020-11-01T10:00:00+08:00',
      '--clock-rate',
      '0',
      '--spool',
      spool,
      '--run-id',
      runId,
    ],
    { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  started.push(launcher)
  let out = ''
  launcher.stderr.on('data', (b: Buffer) => {
    out += b.toString()
  })
  const url = await new Promise<string>((done, fail) => {
    launcher.stdout.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /^platform\s+(\S+)/m.exec(out)
      if (m?.[1]) done(m[1])
    })
    launcher.once('exit', (code) => fail(new Error(`pnpm d11 serve exited with ${code}: ${out}`)))
  })
  const world = [
    { kind: 'merchants', row: merchant('m-1') },
    { kind: 'skus', row: sku('s-1', 'm-1', { listPriceFen: 10_000, stock: 10_000_000 }) },
    { kind: 'buyers', row: buyer('b-1') },
  ]
  const res = await fetch(`${url}/admin/world`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: world.map((l) => JSON.stringify(l)).join('\n'),
  })
  expect(res.status).toBe(200)
  return { launcher, url, server: serverPid(launcher.pid ?? 0), output: () => out }
}

/** `workers` clients placing orders back to back until the server stops answering. */
function placeOrders(url: string, workers: number) {
  const accepted: string[] = []
  const body = JSON.stringify({ buyerId: 'b-1', kind: 'spot', items: [{ skuId: 's-1', quantity: 1 }] })
  const loop = async () => {
    for (;;) {
      let res: Response
      try {
        res = await fetch(`${url}/buyer/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
      } catch {
        return // refused or reset: the server is gone
      }
      const text = await res.text().catch(() => '')
      if (res.status === 201)
        accepted.push((JSON.parse(text) as { orders: Array<{ id: string }> }).orders[0]!.id)
      else if (res.status !== 503) throw new Error(`unexpected ${res.status}: ${text}`)
    }
  }
  return { accepted, done: Promise.all(Array.from({ length: workers }, loop)) }
}

type Stop =
  | 'SIGTERM to the group'
  | 'SIGINT to the group'
  | 'SIGTERM to pnpm only'
  | 'SIGKILL to the server'
  | 'SIGKILL to the group'
const stops: Array<{ stop: Stop; graceful: boolean }> = [
  { stop: 'SIGTERM to the group', graceful: true },
  { stop: 'SIGINT to the group', graceful: true },
  { stop: 'SIGTERM to pnpm only', graceful: true },
  { stop: 'SIGKILL to the server', graceful: false },
  { stop: 'SIGKILL to the group', graceful: false },
]

describe('pnpm d11 serve under signals: every order answered 201 is stored, none twice', () => {
  it.each(stops)(
    '$stop',
    async ({ stop, graceful }) => {
      const runId = `sig-${stop.replaceAll(/\W+/g, '-').toLowerCase()}`
      const spool = join(root, runId)
      const { launcher, url, server, output } = await startServe(spool, runId)
      const orders = placeOrders(url, 8)
      await new Promise((r) => setTimeout(r, 800))
      expect(orders.accepted.length).toBeGreaterThan(0)
      const pgid = launcher.pid ?? 0
      if (stop === 'SIGTERM to the group') killGroup(pgid, 'SIGTERM')
      else if (stop === 'SIGINT to the group') killGroup(pgid, 'SIGINT')
      else if (stop === 'SIGTERM to pnpm only') launcher.kill('SIGTERM')
      else if (stop === 'SIGKILL to the server') process.kill(server, 'SIGKILL')
      else killGroup(pgid, 'SIGKILL')
      await orders.done
      for (let i = 0; i < 200 && alive(server); i++) await new Promise((r) => setTimeout(r, 50))
      expect(alive(server), `server still running after ${stop}: ${output()}`).toBe(false)
      if (graceful) expect(output()).toContain('stopping merchant and platform')

      const res = await loadSpool(store.store, spool)
      // A graceful stop closes its segment; a killed server leaves it open, recovered here.
      if (graceful) expect(res.recovered).toEqual([])
      else expect(res.recovered.length).toBeGreaterThan(0)
      const placed = readdirSync(spool)
        .filter((f) => f.endsWith('.done'))
        .flatMap((f) => readFileSync(join(spool, f), 'utf8').split('\n'))
        .filter((l) => l.endsWith('}') && l.includes('"order.placed"'))
        .map((l) => (JSON.parse(l) as { row: { event_id: string; order_id: string } }).row)
      expect(new Set(placed.map((p) => p.event_id)).size).toBe(placed.length)
      expect(new Set(placed.map((p) => p.order_id)).size).toBe(placed.length)
      const stored = await queryRows<{ order_id: string }>(
        store.store,
        `SELECT order_id FROM ${store.store.t('events')} FINAL WHERE run_id = {run:String} AND kind = 'order.placed'`,
        { run: runId },
      )
      const storedIds = new Set(stored.map((s) => s.order_id))
      expect(storedIds.size).toBe(stored.length)
      const lost = orders.accepted.filter((id) => !storedIds.has(id))
      console.log(
        `${stop}: ${orders.accepted.length} answered 201, ${stored.length} stored, lost ${lost.length}`,
      )
      expect(lost).toEqual([])
    },
    90_000,
  )
})
