import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Registry } from '../src/metrics.ts'
import { parseThresholds } from '../src/thresholds.ts'
import { fixture, metric, run } from './helpers.ts'
import { startServer, type TestServer } from './server.ts'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe('thresholds', () => {
  it('an impossible threshold fails the run with exit code 99 and marks it in the summary', async () => {
    const r = await run('arrival.js', {
      BASE_URL: server.url,
      RATE: '20',
      DURATION: '1s',
      THRESHOLD: 'p(99)<0',
    })
    expect(r.exitCode).toBe(99)
    expect(r.summary!.metrics.http_req_duration!.thresholds).toEqual({ 'p(99)<0': { ok: false } })
    expect(r.stderr).toContain('http_req_duration: p(99)<0')
  })

  it('a reachable threshold passes with exit code 0', async () => {
    const r = await run('arrival.js', {
      BASE_URL: server.url,
      RATE: '20',
      DURATION: '1s',
      THRESHOLD: 'p(99)<5000',
    })
    expect(r.exitCode).toBe(0)
    expect(r.summary!.metrics.http_req_duration!.thresholds).toEqual({ 'p(99)<5000': { ok: true } })
  })

  it('abortOnFail stops a 20 s test within seconds, exit 99', async () => {
    const r = await run('abort.js', { BASE_URL: server.url })
    expect(r.exitCode).toBe(99)
    expect(r.summary!.state.testRunDurationMs).toBeLessThan(5000)
    expect(r.error).toContain('abortOnFail')
  })

  it('the CLI exits 99 on a crossed threshold and writes k6 JSON samples', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6r-'))
    const out = join(dir, 'samples.json')
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
    const code = await new Promise<number>((resolve) => {
      const child = execFile(
        process.execPath,
        [
          '--import',
          'tsx',
          cli,
          'run',
          fixture('arrival.js'),
          '--out',
          `json=${out}`,
          '-e',
          `BASE_URL=${server.url}`,
          '-e',
          'RATE=10',
          '-e',
          'DURATION=1s',
          '-e',
          'THRESHOLD=max<0',
        ],
        { cwd: fileURLToPath(new URL('..', import.meta.url)) },
      )
      child.on('exit', (c) => resolve(c ?? -1))
    })
    expect(code).toBe(99)
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    const decl = lines.find((l) => l.type === 'Metric' && l.metric === 'http_req_duration')
    expect(decl.data).toMatchObject({ type: 'trend', contains: 'time', thresholds: ['max<0'] })
    const point = lines.find((l) => l.type === 'Point' && l.metric === 'http_req_duration')
    expect(Object.keys(point.data.tags)).toEqual(
      expect.arrayContaining(['scenario', 'name', 'method', 'status', 'url', 'expected_response', 'group']),
    )
    expect(point.data.tags).toMatchObject({ scenario: 'load', name: 'work', method: 'GET', status: '200' })
    expect(Date.parse(point.data.time)).toBeGreaterThan(0)
    expect(lines.filter((l) => l.type === 'Point' && l.metric === 'http_reqs')).toHaveLength(10)
  })
})

describe('threshold syntax', () => {
  const registry = new Registry()
  registry.get('http_req_duration', 'trend', 'time')
  registry.get('checks', 'rate')

  it('parses aggregations, operators, submetric keys and abortOnFail', () => {
    const [a, b, c] = parseThresholds(registry, {
      'http_req_duration{name:pay}': [
        'p(99.9)<=500',
        { threshold: 'med<100', abortOnFail: true, delayAbortEval: '10s' },
      ],
      checks: 'rate>0.99',
    })
    expect(a).toMatchObject({ aggregation: 'p(99.9)', op: '<=', value: 500, abortOnFail: false })
    expect(b).toMatchObject({ aggregation: 'med', abortOnFail: true, delayAbortEvalMs: 10_000 })
    expect(c).toMatchObject({ metricKey: 'checks', aggregation: 'rate', op: '>', value: 0.99 })
    expect(registry.metrics.get('http_req_duration')!.submetrics[0]!.tags).toEqual({ name: 'pay' })
  })

  it('rejects unknown metrics, bad expressions and aggregations of the wrong type, naming the key', () => {
    expect(() => parseThresholds(registry, { nope: ['count>0'] })).toThrow(
      /options.thresholds\['nope'\].*never defines/,
    )
    expect(() => parseThresholds(registry, { checks: ['rate~1'] })).toThrow(
      /'rate~1' is not 'aggregation op number'/,
    )
    expect(() => parseThresholds(registry, { checks: ['p(95)<1'] })).toThrow(
      /'p\(95\)' does not apply to rate/,
    )
  })
})

describe('handleSummary', () => {
  it('receives k6 data: metrics with type/contains/values/thresholds, root_group checks, state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6r-'))
    const r = await run('smoke.js', { BASE_URL: server.url }, { cwd: dir })
    expect(r.error).toBeUndefined()
    expect(r.exitCode).toBe(0)
    const data = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))
    expect(data.state.testRunDurationMs).toBeGreaterThan(900)
    expect(data.metrics.checks).toMatchObject({
      type: 'rate',
      contains: 'default',
      thresholds: { 'rate>0.99': { ok: true } },
    })
    expect(data.metrics.checks.values).toEqual({ rate: 1, passes: 46, fails: 0 })
    expect(data.metrics.http_req_duration.contains).toBe('time')
    expect(Object.keys(data.metrics.http_req_duration.values)).toEqual([
      'avg',
      'min',
      'med',
      'max',
      'p(90)',
      'p(95)',
    ])
    expect(data.metrics['http_req_duration{name:item}'].values).toBeDefined()
    expect(data.metrics.d11_seen.values.count).toBe(20)
    expect(data.metrics.d11_size).toMatchObject({ type: 'trend', contains: 'default' })
    expect(data.root_group.checks.map((c: { name: string }) => c.name)).toEqual(['status 200', 'has path'])
    expect(data.root_group.groups[0]).toMatchObject({ name: 'nested', path: '::nested' })
    expect(data.root_group.groups[0].checks[0]).toMatchObject({ name: 'post ok', passes: 6, fails: 0 })
    expect(data.setup_data).toEqual({ base: server.url, started: true })
    expect(metric(r, 'iterations').count).toBe(26)
    expect(r.stdout).toBe('')
  })
})
