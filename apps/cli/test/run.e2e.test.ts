import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { withReportPage } from '@d11/report/testing'
import { openStore, queryRows, type Store } from '@d11/store/connection'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const BIN = fileURLToPath(new URL('../bin/d11.js', import.meta.url))
const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const ARTIFACTS = join(REPO, '.d11', 'artifacts')

let cwd: string

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'd11-run-e2e-'))
})
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

interface Finished {
  code: number | null
  out: string
}

function d11(args: string[], onOutput?: (text: string, child: ChildProcess) => void): Promise<Finished> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const take = (b: Buffer) => {
      out += b.toString()
      onOutput?.(out, child)
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    child.on('exit', (code) => done({ code, out }))
  })
}

/** Processes whose command line mentions `needle` (the run id is in every child's arguments). */
function processesMentioning(needle: string): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
      if (cmd.includes(needle) && Number(pid) !== process.pid) found.push(`${pid}: ${cmd}`)
    } catch {
      // the process ended while we looked
    }
  }
  return found
}

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ path: join(cwd, '.d11', 'clickhouse') })
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

const count = (store: Store, table: string, where = '1') =>
  queryRows<{ n: number }>(store, `SELECT count() AS n FROM ${store.t(table)} FINAL WHERE ${where}`).then(
    (r) => Number(r[0]?.n ?? 0),
  )

describe('d11 run', () => {
  it('goes from nothing to a report: rows in every table, and the report renders in Chromium', async () => {
    const res = await d11([
      'run',
      '--run-id',
      'e2e-full',
      '--duration',
      '8s',
      '--peak-rps',
      '10',
      '--workers',
      '1',
    ])
    expect(res.out, res.out).toMatch(/report\s+\S+e2e-full\.html/)
    expect(res.code, res.out).toBe(0)

    await withStore(async (store) => {
      const run = await queryRows<{ status: string; scenario: string }>(
        store,
        `SELECT status, scenario FROM ${store.t('runs')} FINAL WHERE run_id = 'e2e-full'`,
      )
      expect(run).toEqual([{ status: 'passed', scenario: 'peak-nov11' }])
      const byRun = "run_id = 'e2e-full'"
      expect(await count(store, 'k6_samples', byRun)).toBeGreaterThan(50)
      expect(await count(store, 'events', byRun)).toBeGreaterThan(50)
      // the settle stage runs the clock past the 48 h pickup deadlines of what was ordered
      expect(await count(store, 'sla_verdicts', byRun)).toBeGreaterThan(0)
      for (const table of ['merchants', 'skus', 'buyers', 'orders']) {
        expect(await count(store, table), table).toBeGreaterThan(0)
      }
    })

    const report = join(cwd, 'reports', 'e2e-full.html')
    await withReportPage(report, async (page, { problems }) => {
      const svgs = await page.$$eval('.chart svg', (list) =>
        list.map((s) => s.querySelectorAll('path').length),
      )
      expect(svgs.length).toBeGreaterThan(2)
      for (const paths of svgs) expect(paths).toBeGreaterThan(2)
      expect(await page.textContent('h1')).toContain('e2e-full')
      mkdirSync(ARTIFACTS, { recursive: true })
      await page.screenshot({ path: join(ARTIFACTS, 'd11-run-report.png'), fullPage: true })
      expect(problems).toEqual([])
    })
  }, 300_000)

  it('Ctrl-C during the load stops every child, keeps the data and marks the run interrupted', async () => {
    let signalled = false
    const res = await d11(
      ['run', '--run-id', 'e2e-int', '--duration', '60s', '--peak-rps', '10'],
      (out, child) => {
        if (!signalled && /\[4\/7\] load\s+(…|\d+%)/.test(out)) {
          signalled = true
          setTimeout(() => child.kill('SIGINT'), 3000)
        }
      },
    )
    expect(signalled, res.out).toBe(true)
    expect(res.code, res.out).toBe(130)
    expect(res.out).toContain('interrupted')
    expect(processesMentioning('e2e-int')).toEqual([])
    await withStore(async (store) => {
      const run = await queryRows<{ status: string }>(
        store,
        `SELECT status FROM ${store.t('runs')} FINAL WHERE run_id = 'e2e-int'`,
      )
      expect(run).toEqual([{ status: 'interrupted' }])
      expect(await count(store, 'events', "run_id = 'e2e-int'")).toBeGreaterThan(0)
    })
  }, 300_000)

  it('rejects a bad flag with exit code 2 and a line naming it', async () => {
    const res = await d11(['run', '--scale', 'huge'])
    expect(res.code).toBe(2)
    expect(res.out.trim()).toMatch(/^d11 run: --scale: unknown scale "huge"/)
  })
})
