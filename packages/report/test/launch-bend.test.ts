// The load charts mark the 00:00 launch minute and grey the warm-up; the report overlays latency
// against achieved arrival rate for every stored run of the same scenario and world at another
// peak rate, and names where p99 bends. Real embedded ClickHouse, real headless Chromium.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Store } from '@d11/store/connection'
import { ingestSynthLoad, type K6SynthOptions } from '@d11/store/k6-synth'
import { upsertRun } from '@d11/store/runs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bendVerdict } from '../src/bend-section.ts'
import { LAUNCH_LABEL, marksOnAxis } from '../src/load-marks.ts'
import { collectRunReport, runReportHtml, terminalSummary } from '../src/run-report.ts'
import { withReportPage } from '../src/testing.ts'
import { openTestStore } from './helpers.ts'

const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const ARTIFACTS = join(REPO, '.d11', 'artifacts')
const WARM0 = Date.UTC(2022, 10, 10, 15, 49, 55) // warm-up from 23:49:55 +08:00 (wall)
const START = WARM0 + 5_000 // the measured window
const LAUNCH_S = 10 // the 00:00 spike, seconds into the window

let store: Store
let dir: string
let cleanup: () => Promise<void>

/** A peak-nov11 load at `peak`/s: 5 s warm-up, 10 s quiet, the launch spike decaying over 50 s. */
async function seedLoad(runId: string, peak: number, startedAt: number) {
  const parts: K6SynthOptions[] = [
    { start: WARM0, seconds: 5, rate: 10, latencyMs: 900, errorRate: 0, scenario: 'warmup' },
    {
      start: START,
      seconds: 60,
      rateAt: (s) => Math.round(s < LAUNCH_S ? peak / 10 : peak * Math.exp(-(s - LAUNCH_S) / 20)),
      // flat to 120/s, climbing past it
      latencyAt: (rate) => (rate < 120 ? 15 : 15 + (rate - 120) * 2),
      errorRate: 0,
      scenario: 'checkout',
      tags: { phase: 'peak' },
    },
  ]
  await ingestSynthLoad(store, dir, runId, parts)
  await upsertRun(
    store,
    {
      runId,
      kind: 'load',
      status: 'passed',
      seed: 42,
      scale: 'tiny',
      calendar: '2022',
      scenario: 'peak-nov11',
      parameters: { peakRps: peak, slos: { 'orders.place': [500, 1500] } },
      startedAt,
    },
    startedAt,
  )
}

beforeAll(async () => {
  ;({ store, dir, cleanup } = await openTestStore('launch_bend'))
  await seedLoad('peak-100', 100, 1)
  await seedLoad('peak-200', 200, 2)
}, 120_000)
afterAll(async () => cleanup?.(), 60_000)

describe('launch minute and latency bend in the run report', () => {
  it('finds the launch second past the warm-up and the bend across both stored runs', async () => {
    const d = await collectRunReport(store, 'peak-200')
    expect(d.answers.launch!.at).toBe(START + LAUNCH_S * 1000)
    expect(d.warmup).toEqual({ from: WARM0, to: expect.any(Number) })
    expect(d.warmup!.to).toBeLessThan(START)
    // the warm-up's 900 ms requests are not in the run's figures
    expect(d.load.p50).toBeLessThan(100)
    expect(d.bend.runs.map((r) => [r.runId, r.peakRps])).toEqual([
      ['peak-200', 200],
      ['peak-100', 100],
    ])
    for (const r of d.bend.runs) expect(r.points.length).toBeGreaterThan(2)
    expect(d.bend.bend!.rate).toBeGreaterThan(110)
    expect(d.bend.bend!.rate).toBeLessThan(200)
    const text = terminalSummary(d)
    expect(text).toMatch(/bend {5}p99 bends at about 1\d\d\/s: the lowest achieved rate whose p99/)
    expect(text).toContain('2 runs at --peak-rps 200, --peak-rps 100')
  })

  it("the slower run's report overlays the same two curves, its own staying on the flat part", async () => {
    const d = await collectRunReport(store, 'peak-100')
    // 100/s stays on the flat part
    expect(d.bend.runs[0]!.points.every((p) => p.rate < 120)).toBe(true)
    expect(d.bend.runs.length).toBe(2) // the 200/s run is overlaid here too
  })

  it('headless Chromium: 00:00 line and launch minute on the load charts, warm-up greyed before it, both curves on the bend chart', async () => {
    const html = runReportHtml(await collectRunReport(store, 'peak-200'))
    mkdirSync(ARTIFACTS, { recursive: true })
    const file = join(ARTIFACTS, 'report-launch-bend.html')
    writeFileSync(file, html)
    await withReportPage(file, async (page, { problems }) => {
      const sections = await page.$$eval('section', (all) =>
        all.map((s) => ({
          title: s.querySelector('h2')?.textContent ?? '',
          text: s.querySelector('p')?.textContent ?? '',
          labels: [...s.querySelectorAll('svg text')].map((t) => ({
            text: t.textContent ?? '',
            x: t.getBoundingClientRect().x,
          })),
        })),
      )
      const byTitle = (t: string) => sections.find((s) => s.title === t)!
      for (const title of [
        'Arrival rate: target vs achieved, and shed',
        'Latency percentiles over time',
        'Error rate over time',
      ]) {
        const s = byTitle(title)
        const launch = s.labels.find((l) => l.text === LAUNCH_LABEL)
        const minute = s.labels.find((l) => l.text === 'launch minute')
        const warm = s.labels.find((l) => l.text === 'warm-up')
        expect(launch, title).toBeDefined()
        expect(minute, title).toBeDefined()
        expect(warm, title).toBeDefined()
        expect(warm!.x, title).toBeLessThan(launch!.x)
        expect(s.text).toContain('The launch minute is shaded')
      }
      const bend = byTitle('Where latency bends')
      const legend = bend.labels.map((l) => l.text)
      expect(legend).toEqual(
        expect.arrayContaining([
          '--peak-rps 200 p99',
          '--peak-rps 200 p50',
          '--peak-rps 100 p99',
          '--peak-rps 100 p50',
        ]),
      )
      expect(legend.some((t) => /^bends ~1\d\d\/s$/.test(t))).toBe(true)
      expect(bend.text).toMatch(/^p99 bends at about 1\d\d\/s/)
      await page.screenshot({ path: join(ARTIFACTS, 'report-launch-bend.png'), fullPage: true })
      expect(problems).toEqual([])
    })
  }, 60_000)
})

describe('marks on the wall-clock axis', () => {
  const ts = [0, 60_000, 120_000, 180_000]
  const axis = { ts, labels: ['a', 'b', 'c', 'd'] }
  it('a launch minute in one per-minute bucket still spans a bucket; marks outside the axis are dropped', () => {
    const m = marksOnAxis(axis, 60, {
      launchAt: 70_000,
      launchSpanMs: 60_000,
      warmup: { from: 1_000, to: 5_000 },
    })
    expect(m.areas).toEqual([
      expect.objectContaining({ from: 'a', to: 'b', label: 'warm-up' }),
      expect.objectContaining({ from: 'b', to: 'c', label: 'launch minute' }),
    ])
    expect(m.lines).toEqual([expect.objectContaining({ at: 'b', label: LAUNCH_LABEL })])
    const outside = marksOnAxis(axis, 60, { launchAt: 400_000, launchSpanMs: 60_000 })
    expect(outside).toEqual({ areas: [], lines: [] })
  })
})

describe('the bend verdict', () => {
  const pt = (rate: number, p99: number) => ({ rate, seconds: 4, requests: 400, p50: p99 / 4, p99 })
  const flat = [pt(20, 30), pt(40, 31), pt(60, 33), pt(80, 35)]
  it('a lone flat run says it did not bend and asks for a doubled rate', () => {
    const v = bendVerdict({
      runs: [
        { runId: 'a', peakRps: 80, startedAt: 1, points: flat },
        { runId: 'b', peakRps: 160, startedAt: 2, points: [] }, // stored without samples: not drawn
      ],
      binWidth: 10,
      pooled: flat,
      baseline: { p99: 31, upToRate: 60 },
      sloP99: 1000,
      bend: null,
    })
    expect(v).toBe(
      'p99 does not bend up to 80/s, the highest rate achieved: no two adjacent rate bins pass 81.0 ms (2× the 31.0 ms at the lowest rates, and at least 50 ms more) or the 1000 ms SLO; 1 run at --peak-rps 80 (run again with --peak-rps doubled to find the bend)',
    )
  })
  it('names an SLO crossing as such', () => {
    const v = bendVerdict({
      runs: [{ runId: 'a', peakRps: 80, startedAt: 1, points: flat }],
      binWidth: 10,
      pooled: flat,
      baseline: { p99: 31, upToRate: 60 },
      sloP99: 32,
      bend: { rate: 60, p99: 33, reason: 'slo' },
    })
    expect(v).toMatch(/^p99 bends at about 60\/s: .* exceeds the 32 ms p99 SLO; 1 run at --peak-rps 80$/)
  })
})
