import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { SimError } from '../src/errors.ts'
import { expandGrid, loadScenario, parseGridFlag, parseScenario } from '../src/scenario.ts'
import { PHONE } from './helpers.ts'

const base = loadScenario(PHONE)

function withField(path: string[], value: unknown): string {
  const doc = structuredClone(base) as unknown as Record<string, unknown>
  let node = doc
  for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>
  node[path[path.length - 1]!] = value
  return stringify(doc)
}

function message(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(SimError)
    return (err as Error).message
  }
  throw new Error('expected a SimError')
}

describe('scenario files are validated and errors name the field', () => {
  it('accepts the shipped example and fills defaults', () => {
    expect(base.name).toBe('phone-oversell')
    expect(base.skus[0]!.share).toBe(1)
    expect(base.oversell.buffer).toBe(0)
  })

  it.each([
    [['warehouse', 'picksPerHour'], -1, 'warehouse.picksPerHour: must be >= 0'],
    [['oversell', 'policy'], 'maybe', 'oversell.policy: must be one of "strict", "lagging", "synced"'],
    [['oversell', 'buffer'], 150, 'oversell.buffer: must be <= 100'],
    [['buyers', 'complainRate'], 'often', 'buyers.complainRate: must be number'],
    [['window', 'from'], 'Nov 11', 'window.from: must match pattern'],
    [['arrivals', 'orders'], 1.5, 'arrivals.orders: must be integer'],
    [['warehouse', 'bogus'], 1, 'warehouse.bogus: unknown field'],
  ])('%j = %j is rejected: %s', (path, value, expected) => {
    const text = withField(path as string[], value)
    expect(message(() => parseScenario(text, 'bad.yaml'))).toContain(expected)
  })

  it('a missing required field is named', () => {
    const doc = structuredClone(base) as unknown as Record<string, Record<string, unknown>>
    delete doc.warehouse!.picksPerHour
    expect(message(() => parseScenario(stringify(doc), 'bad.yaml'))).toContain(
      'warehouse.picksPerHour: is required',
    )
  })

  it('cross-field rules are checked: window order, SKU ids, rates', () => {
    const t1 = withField(['window', 'to'], '2020-11-10T00:00:00+08:00')
    expect(message(() => parseScenario(t1, 'bad.yaml'))).toContain('window.to: must be after window.from')
    const t2 = withField(['buyers'], { complainRate: 0.8, refundRate: 0.5, upheldRate: 1 })
    expect(message(() => parseScenario(t2, 'bad.yaml'))).toContain('buyers.refundRate')
    const t3 = withField(['skus'], [base.skus[0], base.skus[0]])
    expect(message(() => parseScenario(t3, 'bad.yaml'))).toContain('skus[1].id: duplicate id')
  })

  it('a file on disk is named in the error, and unreadable YAML is reported', () => {
    const dir = mkdtempSync(join(tmpdir(), 'd11-sim-'))
    const file = join(dir, 'broken.yaml')
    writeFileSync(file, withField(['service', 'complaintsPerHour'], -5))
    expect(message(() => loadScenario(file))).toMatch(
      /broken\.yaml: service\.complaintsPerHour: must be >= 0/,
    )
    writeFileSync(file, 'name: [unclosed')
    expect(message(() => loadScenario(file))).toContain('not valid YAML/JSON')
  })

  it('percent values are accepted where they make sense', () => {
    const s = parseScenario(withField(['oversell', 'buffer'], '2.5%'))
    expect(s.oversell.buffer).toBe(2.5)
    const b = parseScenario(withField(['buyers', 'complainRate'], '67%'))
    expect(b.buyers.complainRate).toBeCloseTo(0.67)
  })
})

describe('grids', () => {
  it('parses --grid flags, a trailing % applying to every value', () => {
    expect(parseGridFlag('oversell.buffer=0,2,5%')).toEqual({ path: 'oversell.buffer', values: [0, 2, 5] })
    expect(parseGridFlag('warehouse.picksPerHour=2000,4000,8000').values).toEqual([2000, 4000, 8000])
    expect(parseGridFlag('oversell.policy=strict,synced').values).toEqual(['strict', 'synced'])
  })

  it('rejects malformed flags naming --grid', () => {
    expect(message(() => parseGridFlag('oversell.buffer'))).toContain('--grid')
    expect(message(() => parseGridFlag('warehouse.picksPerHour=1,,2'))).toContain(
      '--grid warehouse.picksPerHour',
    )
  })

  it('expands every combination and validates each cell naming the field', () => {
    const cells = expandGrid(base, [
      parseGridFlag('oversell.buffer=0,2,5%'),
      parseGridFlag('warehouse.picksPerHour=400,1000,4000'),
    ])
    expect(cells).toHaveLength(9)
    expect(cells[4]!.params).toEqual({ 'oversell.buffer': 2, 'warehouse.picksPerHour': 1000 })
    expect(cells[4]!.scenario.oversell.buffer).toBe(2)
    expect(cells[4]!.scenario.warehouse.picksPerHour).toBe(1000)
    expect(message(() => expandGrid(base, [parseGridFlag('warehouse.picksPerHour=-5,10')]))).toContain(
      'warehouse.picksPerHour: must be >= 0',
    )
    expect(message(() => expandGrid(base, [parseGridFlag('warehouse.nope=1')]))).toContain(
      'warehouse.nope: unknown field',
    )
  })
})
