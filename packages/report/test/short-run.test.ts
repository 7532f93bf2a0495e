import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Store } from '@d11/store/connection'
import { ingestK6 } from '@d11/store/ingest-k6'
import { k6SynthLines } from '@d11/store/k6-synth'
import { upsertRun } from '@d11/store/runs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectRunReport, runReportHtml, wallAxis } from '../src/run-report.ts'
import { openTestStore } from './helpers.ts'

let store: Store
let dir: string
let cleanup: () => Promise<void>
const T0 = Date.UTC(2022, 10, 10, 16) // wall clock 00:00:00 UTC+8
const noTarget = (l: string) => !l.includes('"d11_target_rate"')

beforeAll(async () => {
  ;({ store, dir, cleanup } = await openTestStore('short'))
  // A 20 s load of two scenarios without a target metric, after two untagged setup() requests.
  const lines = [
    ...[...k6SynthLines({ seconds: 1, rate: 2, scenario: '', start: T0 - 1000, latencyMs: 900 })]
      .filter(noTarget)
      .filter((l) => l.includes('"http_req')),
    ...[...k6SynthLines({ seconds: 20, rate: 6, scenario: 'checkout', start: T0 })].filter(noTarget),
    ...[...k6SynthLines({ seconds: 20, rate: 2, scenario: 'consult', start: T0, seed: 2 })].filter(noTarget),
  ]
  const file = join(dir, 'k6.json')
  writeFileSync(file, `${lines.join('\n')}\n`)
  await ingestK6(store, file, { runId: 'short' })
  await upsertRun(
    store,
    {
      runId: 'short',
      kind: 'load',
      status: 'passed',
      seed: 42,
      scale: 'tiny',
      calendar: '2022',
      scenario: 'peak-nov11',
      parameters: {
        stages: {
          startRate: 2,
          stages: [
            { target: 20, duration: '10s' },
            { target: 4, duration: '10s' },
          ],
        },
      },
    },
    1,
  )
}, 60_000)
afterAll(async () => cleanup?.(), 60_000)

describe('report of a short real-shaped run', () => {
  it('uses 1 s buckets, a ramping target from the stages and the scale name', async () => {
    const d = await collectRunReport(store, 'short')
    expect(d.bucketS).toBe(1)
    expect(d.arrival).toHaveLength(20)
    const target = d.arrival.map((a) => a.targetRate)
    // 2 → 20/s over the first 10 s, then down to 4/s: rises, peaks near 20, falls.
    expect(target[0]).toBeLessThan(4)
    expect(Math.max(...target)).toBeGreaterThan(18)
    expect(target[9]).toBeGreaterThan(target[1] ?? 99)
    expect(target[19]).toBeLessThan(target[11] ?? 0)
    expect(d.arrival[5]?.achievedRate).toBe(8)

    const axis = wallAxis(d)
    expect(axis.ts).toHaveLength(21) // the setup second, then the 20 load seconds
    expect(axis.labels[1]).toBe('00:00:00')
    expect(axis.labels[0]).toBe('23:59:59')
    expect(axis.name).toBe('wall clock, 2022-11-10 (UTC+8), 1 s buckets') // the first bucket's date

    const html = runReportHtml(d)
    expect(html).toContain('scale tiny')
    expect(html).not.toContain('scale 0')
    expect(html).toContain('the ramping-arrival-rate stages the load ran')
    expect(html).toContain('checkout p99')
    expect(html).toContain('consult p50')
    expect(html).not.toContain('(none)')
    expect(html).not.toMatch(/>\s*setup p\d\d/)
    expect(html).toContain('setup()/teardown() requests (no scenario tag) are left out')
  })
})
