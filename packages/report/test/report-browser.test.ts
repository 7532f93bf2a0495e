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
    expect(text).toMatch(/payouts {2}60 payouts cost ¥[\d,]+\.\d\d: late_shipment PAY-1 ¥/)
    expect(text.match(/^ {2}payouts /gm)).toHaveLength(1)
    expect(text).toContain('48 h pickup (SHIP-1)')
    expect(text).toContain('reply rate (EXP-1)')
  })

  it('answers its three questions first: late pickups with merchants, payouts by cause and rule', async () => {
    const d = await collectRunReport(store, 'peak')
    // seeded: 60 pickup verdicts, every 4th late; 60 payouts split over three (cause, rule) pairs
    expect(d.answers.late.judged).toBe(60)
    expect(d.answers.late.late).toBe(15)
    expect(d.answers.late.merchants.reduce((a, m) => a + m.late, 0)).toBe(15)
    expect(d.answers.payouts.map((p) => `${p.cause}/${p.ruleId}`).sort()).toEqual([
      'late_shipment/PAY-1',
      'oversell/PAY-3',
      'price_protection/PRICE-1',
    ])
    expect(d.answers.payouts.reduce((a, p) => a + p.amountFen, 0)).toBe(d.payouts.amountFen)
    expect(d.answers.payouts.reduce((a, p) => a + p.payouts, 0)).toBe(60)
    const text = terminalSummary(d)
    expect(text.indexOf('pickup   15 of 60 orders missed the 48 h pickup')).toBeGreaterThan(-1)
    expect(text.indexOf('launch ')).toBeLessThan(text.indexOf('load     requests'))
    const html = runReportHtml(d)
    expect(html.indexOf('<h2>Answers</h2>')).toBeLessThan(html.indexOf('<h2>Summary</h2>'))
    expect(html.indexOf('<h2>Answers</h2>')).toBeLessThan(html.indexOf('<svg'))
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
      // arrival, latency, latency bend, error rate, SLA, payouts over time, top offenders
      expect(charts.length).toBe(7)
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
          'Where latency bends',
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
