import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows, type Store } from '../src/connection.ts'
import { ingestK6 } from '../src/ingest-k6.ts'
import { k6SynthLines } from '../src/k6-synth.ts'
import { openTestStore } from './helpers.ts'

let store: Store
let dir: string
let cleanup: () => Promise<void>

beforeAll(async () => {
  ;({ store, dir, cleanup } = await openTestStore('ingestk6'))
}, 60_000)
afterAll(async () => cleanup?.(), 60_000)

const counts = async (runId: string) => {
  const [base] = await queryRows<{ c: number }>(
    store,
    `SELECT count() AS c FROM ${store.t('k6_samples')} WHERE run_id = {r:String}`,
    { r: runId },
  )
  const [mv] = await queryRows<{ c: number }>(
    store,
    `SELECT countMerge(n) AS c FROM ${store.t('k6_minute')} WHERE run_id = {r:String}`,
    { r: runId },
  )
  return { base: Number(base?.c), minute: Number(mv?.c) }
}

describe.each([
  ['engine reader', { reader: 'engine' }],
  ['stream, engine-checked', { reader: 'stream', validate: 'engine' }],
  ['stream, node-checked', { reader: 'stream', validate: 'node' }],
] as const)('ingestK6 (%s)', (label, modeOpts) => {
  const validate = label.replace(/[^a-z]+/g, '-')
  it('loads points and declarations; loading the same file twice leaves counts unchanged', async () => {
    const lines = [...k6SynthLines({ seconds: 30, rate: 10 })]
    const file = join(dir, `run1-${validate}.json`)
    writeFileSync(file, `${lines.join('\n')}\n`)
    const first = await ingestK6(store, file, { runId: `r1-${validate}`, batchLines: 500, ...modeOpts })
    expect(first.metrics).toBe(6)
    expect(first.points).toBe(lines.length - 6)
    expect(first.badCount).toBe(0)
    const once = await counts(`r1-${validate}`)
    expect(once.base).toBe(first.points)
    expect(once.minute).toBe(first.points)

    const second = await ingestK6(store, file, { runId: `r1-${validate}`, batchLines: 500, ...modeOpts })
    expect(second.points).toBe(first.points)
    expect(await counts(`r1-${validate}`)).toEqual(once)

    const [t] = await queryRows<{ type: string; scenario: string }>(
      store,
      `SELECT type, scenario FROM ${store.t('k6_samples')} WHERE run_id = 'r1-${validate}' AND metric = 'http_req_duration' LIMIT 1`,
    )
    expect(t).toEqual({ type: 'trend', scenario: 'spot-open' })
  })

  it('keeps simulated time exact: +08:00 timestamps land as the right UTC instant', async () => {
    const [r] = await queryRows<{ ms: number }>(
      store,
      `SELECT toUnixTimestamp64Milli(min(ts)) AS ms FROM ${store.t('k6_samples')} WHERE run_id = 'r1-${validate}'`,
    )
    expect(Number(r?.ms)).toBe(Date.UTC(2022, 10, 10, 16, 0, 0))
  })

  it('a gzip file with bad lines loads the good ones and reports the bad line numbers', async () => {
    const good = [...k6SynthLines({ seconds: 3, rate: 5, seed: 7 })]
    const lines = [...good]
    lines.splice(3, 0, '{"type":"Point","metric":"http_reqs","data":{"time":"x","value":1}}') // line 4
    lines.splice(9, 0, 'garbage {') // line 10
    lines.splice(
      14,
      0,
      '{"type":"Point","metric":"http_reqs","data":{"time":"2022-11-11T00:00:00+08:00","value":"1"}}',
    ) // 15
    lines.splice(20, 0, '{"type":"Thing"}') // 21
    // looks like a Point to the cheap shape check but is not JSON (trailing comma): the engine
    // rejects its batch and the batch is re-checked line by line
    lines.splice(
      23,
      0,
      '{"type":"Point","metric":"http_reqs","data":{"time":"2022-11-11T00:00:00+08:00","value":1,"tags":{"a":"b"},}}',
    ) // 24
    const file = join(dir, `bad-${validate}.json.gz`)
    writeFileSync(file, gzipSync(`${lines.join('\n')}\n`))
    const res = await ingestK6(store, file, { runId: `r2-${validate}`, batchLines: 8, ...modeOpts })
    expect(res.badLines.map((b) => b.line)).toEqual([4, 10, 15, 21, 24])
    expect(res.badLines[4]?.reason).toBe('not JSON')
    expect(res.badCount).toBe(5)
    expect(res.badLines[0]?.reason).toMatch(/data\.time/)
    expect(res.points).toBe(good.length - 6)
    expect((await counts(`r2-${validate}`)).base).toBe(res.points)
  })

  it('reads CRLF files, non-string tags and multi-byte text across read chunks', async () => {
    const point = (i: number, tags: unknown) =>
      JSON.stringify({
        type: 'Point',
        metric: 'http_reqs',
        data: { time: '2022-11-11T00:00:01.5+08:00', value: i, tags },
      })
    const lines = [
      JSON.stringify({ type: 'Metric', data: { name: 'http_reqs', type: 'counter' }, metric: 'http_reqs' }),
      // ~100 KiB of Chinese tag text so chunks (64 KiB) split multi-byte characters
      ...Array.from({ length: 40 }, (_, i) =>
        point(i, { scenario: '双十一零点', name: '订单'.repeat(600 + i) }),
      ),
      point(99, { scenario: 'x', status: 200 }),
      point(100, null),
    ]
    const file = join(dir, `crlf-${validate}.json`)
    writeFileSync(file, `${lines.join('\r\n')}\r\n`)
    const res = await ingestK6(store, file, { runId: `r4-${validate}`, batchLines: 7, ...modeOpts })
    expect(res).toMatchObject({ points: 42, metrics: 1, badCount: 0 })
    const rows = await queryRows<{ v: number; scenario: string; n: number; status: string }>(
      store,
      `SELECT value AS v, scenario, lengthUTF8(tags['name']) AS n, tags['status'] AS status FROM ${store.t('k6_samples')} WHERE run_id = 'r4-${validate}' ORDER BY v`,
    )
    expect(rows[0]).toEqual({ v: 0, scenario: '双十一零点', n: 1200, status: '' })
    expect(rows[39]?.n).toBe(1278)
    expect(rows[40]).toEqual({ v: 99, scenario: 'x', n: 0, status: '200' })
    expect(rows[41]).toEqual({ v: 100, scenario: '', n: 0, status: '' })
  })

  it('names the missing file and the missing run id', async () => {
    await expect(ingestK6(store, join(dir, 'nope.json'), { runId: `r3-${validate}` })).rejects.toThrow(
      /nope\.json/,
    )
    await expect(ingestK6(store, join(dir, `run1-${validate}.json`), { runId: '' })).rejects.toThrow(/--run/)
  })
})
