import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Store } from '@d11/store/connection'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectRunReport, runReportHtml, terminalSummary } from '../src/run-report.ts'
import { withReportPage } from '../src/testing.ts'
import { openTestStore, seedRun } from './helpers.ts'

const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const ARTIFACTS = join(REPO, '.d11', 'artifacts')

let store: Store
let dir: string
let cleanup: () => Promise<void>

beforeAll(async () => {
  ;({ store, dir, cleanup } = await openTestStore('browser'))
  await seedRun(store, dir, 'peak')
}, 60_000)
afterAll(async () => cleanup?.(), 60_000)

describe('run report', () => {
  it('terminal summary names the figures, payouts in yuan and the SLA rule IDs', async () => {
    const text = terminalSummary(await collectRunReport(store, 'peak'))
    expect(text).toMatch(/requests 3600 {2}p50 \d+\.\d ms/)
    expect(text).toMatch(/payouts {2}60 totalling ¥[\d,]+\.\d\d/)
    expect(text).toContain('48 h pickup (SHIP-1)')
    expect(text).toContain('reply rate (EXP-1)')
  })

  it('the HTML report renders its charts in headless Chromium without console errors', async () => {
    const html = runReportHtml(await collectRunReport(store, 'peak'))
    expect(html).not.toMatch(/<script|<link|src="http|href="http|url\(http/)
    mkdirSync(ARTIFACTS, { recursive: true })
    const file = join(ARTIFACTS, 'report.html')
    writeFileSync(file, html)

    await withReportPage(file, async (page, { problems, requests }) => {
      const charts = await page.$$eval('.chart svg', (svgs) =>
        svgs.map((s) => ({
          paths: s.querySelectorAll('path').length,
          texts: s.querySelectorAll('text').length,
          width: s.getBoundingClientRect().width,
          height: s.getBoundingClientRect().height,
        })),
      )
      // arrival, latency, error rate, SLA, payouts over time, top offenders
      expect(charts.length).toBe(6)
      for (const c of charts) {
        expect(c.paths).toBeGreaterThan(2)
        expect(c.texts).toBeGreaterThan(2)
        expect(c.width).toBeGreaterThan(100)
        expect(c.height).toBeGreaterThan(100)
      }
      const headings = await page.$$eval('h2', (hs) => hs.map((h) => h.textContent))
      expect(headings).toEqual(
        expect.arrayContaining([
          'Arrival rate: target vs achieved, and shed',
          'Latency percentiles over time',
          'SLA compliance',
          'Payouts by cause over time',
          'Top offenders',
        ]),
      )
      await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true })
      expect(problems).toEqual([])
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([])
    })
  }, 60_000)
})
