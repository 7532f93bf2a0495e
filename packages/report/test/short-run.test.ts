import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Store } from '@d11/store/connection'
import { ingestK6 } from '@d11/store/ingest-k6'
import { k6SynthLines } from '@d11/store/k6-synth'
import { upsertRun } from '@d11/store/runs'
import { loadSpool, SpoolWriter } from '@d11/store/spool'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectRunReport, hourAxis, runReportHtml, wallAxis } from '../src/run-report.ts'
import { openTestStore } from './helpers.ts'

let store: Store
let dir: string
let cleanup: () => Promise<void>
const T0 = Date.UTC(2022, 10, 10, 16) // wall clock 00:00:00 UTC+8
const H = 3_600_000
const noTarget = (l: string) => !l.includes('"d11_target_rate"')
/** The synthetic load's http_reqs points answered 503 (its failed requests). */
let shedLines: string[] = []

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
  shedLines = lines.filter((l) => l.includes('"metric":"http_reqs"') && l.includes('"status":"503"'))
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
  // Evidence in simulated time: orders in the first hour, late pickups judged 48 h later.
  const spool = join(dir, 'spool')
  const w = new SpoolWriter({ dir: spool, writerId: 'short' })
  for (let i = 0; i < 3; i++)
    w.append('events', {
      event_id: `o${i}`,
      run_id: 'short',
      kind: 'order.placed',
      sim_time: T0 + 600_000 + i,
    })
  for (let i = 0; i < 2; i++)
    w.append('events', {
      event_id: `l${i}`,
      run_id: 'short',
      kind: 'late_shipment',
      sim_time: T0 + 48 * H + i,
    })
  // A registration stamped months earlier (the world's own timeline).
  w.append('events', {
    event_id: 'r0',
    run_id: 'short',
    kind: 'registration.accepted',
    sim_time: T0 - 60 * 24 * H,
  })
  for (let i = 0; i < 3; i++) {
    w.append('sla_verdicts', {
      verdict_id: `v${i}`,
      run_id: 'short',
      merchant_id: 'm-1',
      metric: 'pickup_48h',
      rule_id: 'SHIP-1',
      ok: i === 0 ? 1 : 0,
      sim_time: T0 + 48 * H + i,
    })
  }
  await w.close()
  await loadSpool(store, spool)
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

  it('shows shed requests (503) per second beside the achieved rate, from the k6 samples', async () => {
    const d = await collectRunReport(store, 'short')
    expect(shedLines.length).toBeGreaterThan(0)
    expect(d.shedTotal.shed).toBe(shedLines.length)
    expect(d.shedTotal.requests).toBe(2 + 20 * 8)
    // Per second: the 503 lines of each wall second, bucket by bucket.
    const perSecond = new Map<number, number>()
    for (const l of shedLines) {
      const t = Date.parse((JSON.parse(l) as { data: { time: string } }).data.time)
      const s = Math.floor(t / 1000) * 1000
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1)
    }
    for (const b of d.shed) expect(b.shedRate).toBe(perSecond.get(b.t) ?? 0)
    expect(d.shed.reduce((sum, b) => sum + b.shedRate, 0)).toBe(shedLines.length)
    const html = runReportHtml(d)
    expect(html).toContain('shed/s (503)')
    expect(html).toContain(`${shedLines.length} (`)
  })
  it('draws platform events and SLA verdicts on a simulated-hour axis', async () => {
    const d = await collectRunReport(store, 'short')
    expect(d.eventsByHour).toEqual([
      { hour: T0 - 60 * 24 * H, kind: 'registration.accepted', events: 1 },
      { hour: T0, kind: 'order.placed', events: 3 },
      { hour: T0 + 48 * H, kind: 'late_shipment', events: 2 },
    ])
    expect(d.slaByHour).toEqual([{ hour: T0 + 48 * H, metric: 'pickup_48h', verdicts: 3, ok: 1 }])
    expect(hourAxis([T0, T0 + 48 * H])).toHaveLength(49) // every hour, gaps included
    const html = runReportHtml(d)
    expect(html).toContain('<h2>Platform events over simulated time</h2>')
    expect(html).toContain('<h2>SLA verdicts over simulated time</h2>')
    expect(html).toContain('simulated hour (Asia/Shanghai)')
    // The months-old registration is left out of the events chart (it would stretch the axis).
    expect(html).toContain('1 events stamped more than 7 simulated days before the last one')
    expect(html).not.toContain('09-12 00:00')
    expect(html).toContain('judged at simulated time 11-13 00:00 – 11-13 00:00 (Asia/Shanghai)')
    // Without payouts the offenders are ranked by failed verdicts.
    expect(html).toContain('merchants with the most failed SLA verdicts')
  })
})
