import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  arrivalByBucket,
  chooseBucket,
  errorRateByBucket,
  latencyByBucket,
  latencyByMinute,
  loadSpan,
} from '../src/analysis.ts'
import type { Store } from '../src/connection.ts'
import { ingestK6 } from '../src/ingest-k6.ts'
import { k6SynthLines } from '../src/k6-synth.ts'
import { migrate } from '../src/migrate.ts'
import { getRun, upsertRun } from '../src/runs.ts'
import { openTestStore } from './helpers.ts'

let store: Store
let dir: string
let cleanup: () => Promise<void>
const T0 = Date.UTC(2022, 10, 10, 16) // 2022-11-11 00:00 +08:00
const noTarget = (l: string) => !l.includes('"d11_target_rate"')

beforeAll(async () => {
  ;({ store, dir, cleanup } = await openTestStore('buckets'))
  // A 30 s run at 4/s with no d11_target_rate metric (as real k6 and the built-in runner emit),
  // plus two untagged setup() requests before it.
  const file = join(dir, 'short.json')
  const setup = [...k6SynthLines({ seconds: 1, rate: 2, scenario: '', start: T0 - 1000 })]
    .filter(noTarget)
    .filter((l) => l.includes('"http_req'))
  const load = [...k6SynthLines({ seconds: 30, rate: 4, scenario: 'checkout', start: T0 })].filter(noTarget)
  writeFileSync(file, `${[...load, ...setup].join('\n')}\n`)
  await ingestK6(store, file, { runId: 'short' })
  await upsertRun(
    store,
    {
      runId: 'short',
      kind: 'load',
      status: 'passed',
      scale: 'tiny',
      parameters: {
        loadStartedAt: T0 - 5000,
        stages: {
          startRate: 0,
          stages: [
            { target: 10, duration: '10s' },
            { target: 10, duration: '20s' },
          ],
        },
      },
    },
    1,
  )
}, 60_000)
afterAll(async () => cleanup?.(), 60_000)

describe('load-chart buckets', () => {
  it('the bucket follows the run length: 1 s under 2 min, 10 s under 20 min, 60 s above', () => {
    expect(chooseBucket(15_000)).toBe(1)
    expect(chooseBucket(119_999)).toBe(1)
    expect(chooseBucket(120_000)).toBe(10)
    expect(chooseBucket(1_199_999)).toBe(10)
    expect(chooseBucket(1_200_000)).toBe(60)
    expect(chooseBucket(6 * 3_600_000)).toBe(60)
  })

  it('a 31 s run gets 1 s buckets read from the samples', async () => {
    const span = await loadSpan(store, 'short')
    expect(span?.bucketS).toBe(1)
    expect(span?.from).toBe(T0 - 1000)
    expect(await loadSpan(store, 'nothing')).toBeUndefined()

    const lat = (await latencyByBucket(store, 'short', 1)).filter((r) => r.scenario === 'checkout')
    expect(lat.map((r) => r.t)).toEqual(Array.from({ length: 30 }, (_, i) => T0 + i * 1000))
    expect(lat.every((r) => r.requests === 4 && r.p99 >= r.p95 && r.p95 >= r.p50)).toBe(true)
    const setup = (await latencyByBucket(store, 'short', 1)).filter((r) => r.scenario === '')
    expect(setup.map((r) => [r.t, r.requests])).toEqual([[T0 - 1000, 2]])

    const ten = (await latencyByBucket(store, 'short', 10)).filter((r) => r.scenario === 'checkout')
    expect(ten.map((r) => r.requests)).toEqual([40, 40, 40])
    const errs = await errorRateByBucket(store, 'short', 10)
    expect(errs.reduce((a, r) => a + r.requests, 0)).toBe(122)

    // The 60 s bucket reads the view and agrees with the per-minute query.
    const minute = await latencyByBucket(store, 'short', 60)
    expect(minute.map(({ t, ...r }) => ({ ...r, minute: t }))).toEqual(await latencyByMinute(store, 'short'))
  })

  it('the target line ramps with the stages the load ran, from the first scenario request', async () => {
    const arrival = await arrivalByBucket(store, 'short', 1)
    expect(arrival.every((a) => a.targetSource === 'stages')).toBe(true)
    const at = (s: number) => arrival.find((a) => a.t === T0 + s * 1000)
    // Stages start when the first checkout request started (T0 minus its latency, tens of ms):
    // the 0 → 10/s ramp over 10 s means about s + 0.5 in second s, then flat at 10.
    for (const s of [0, 3, 7]) expect(at(s)?.targetRate).toBeCloseTo(s + 0.5, 0)
    expect(at(5)?.targetRate).toBeGreaterThan(at(4)?.targetRate ?? 99)
    for (const s of [12, 20, 28]) expect(at(s)?.targetRate).toBeCloseTo(10, 6)
    expect(at(15)?.achievedRate).toBe(4)
    // Buckets run from the first to the last iteration (the setup second has none).
    expect(arrival.map((a) => a.t)).toEqual(Array.from({ length: 30 }, (_, i) => T0 + i * 1000))
    // Without stages or a metric the target falls back to the loadStartedAt-less parameters: none.
    await upsertRun(store, { runId: 'short', kind: 'load', status: 'passed', scale: 'tiny' }, 2)
    expect((await arrivalByBucket(store, 'short', 1)).every((a) => a.targetSource === 'none')).toBe(true)
  })

  it('the manifest keeps the scale name; numbers are refused', async () => {
    expect((await getRun(store, 'short'))?.scale).toBe('tiny')
    await expect(
      upsertRun(store, { runId: 'bad', kind: 'load', status: 'passed', scale: 0.01 as unknown as string }),
    ).rejects.toThrow(/scale 0\.01 must be a scale name/)
  })

  it('migration 007 turns a numeric scale column into the name, legacy rows reading as unset', async () => {
    const db = `${store.database}_legacy`
    const legacy: Store = { ...store, database: db, t: (table) => `\`${db}\`.\`${table}\`` }
    await store.client.command({ query: `CREATE DATABASE IF NOT EXISTS \`${db}\`` })
    try {
      await store.client.command({
        query: `CREATE TABLE ${legacy.t('runs')} (run_id String, kind LowCardinality(String),
          status LowCardinality(String), seed UInt64, scale Float64, calendar String, scenario String,
          git_sha String, parameters String, started_at Int64, finished_at Int64, updated_at Int64)
          ENGINE = ReplacingMergeTree(updated_at) ORDER BY run_id`,
      })
      await store.client.command({
        query: `INSERT INTO ${legacy.t('runs')} VALUES ('old', 'load', 'passed', 1, 0, '', '', '', '{}', 0, 0, 1)`,
      })
      expect(await migrate(legacy)).toContain(7)
      expect(await migrate(legacy)).toEqual([]) // recorded: not applied twice
      const [col] = await (
        await store.client.query({
          query: `SELECT type FROM system.columns WHERE database = '${db}' AND table = 'runs' AND name = 'scale'`,
          format: 'JSONEachRow',
        })
      ).json<{ type: string }>()
      expect(col?.type).toBe('String')
      expect((await getRun(legacy, 'old'))?.scale).toBeUndefined()
      await upsertRun(legacy, { runId: 'new', kind: 'load', status: 'passed', scale: 'small' }, 1)
      expect((await getRun(legacy, 'new'))?.scale).toBe('small')
    } finally {
      await store.client.command({ query: `DROP DATABASE IF EXISTS \`${db}\`` })
    }
  })
})
