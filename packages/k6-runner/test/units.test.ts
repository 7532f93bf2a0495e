import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseDuration } from '../src/duration.ts'
import { Sink } from '../src/metrics.ts'
import { arrivalOffsets, parseScenarios } from '../src/scenarios.ts'

describe('parseDuration', () => {
  it('reads k6 durations and numbers of milliseconds', () => {
    expect(parseDuration('1m30s', 'd')).toBe(90_000)
    expect(parseDuration('250ms', 'd')).toBe(250)
    expect(parseDuration('1h', 'd')).toBe(3_600_000)
    expect(parseDuration(1500, 'd')).toBe(1500)
  })
  it('names the field on bad input', () => {
    expect(() => parseDuration('soon', 'options.scenarios.a.duration')).toThrow(
      /options\.scenarios\.a\.duration must be a k6 duration/,
    )
  })
})

describe('arrivalOffsets', () => {
  it('constant rate: iteration k at k / rate', () => {
    const offsets = [...arrivalOffsets([{ from: 0.01, to: 0.01, ms: 1000 }])]
    expect(offsets).toHaveLength(10)
    expect(offsets[3]).toBeCloseTo(300)
  })
  it('any piecewise-linear schedule yields round(area) iterations, in order, inside the window', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ rate: fc.integer({ min: 0, max: 200 }), ms: fc.integer({ min: 1, max: 3000 }) }),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        (raw) => {
          let prev = 0
          const stages = raw.map((s) => {
            const stage = { from: prev / 1000, to: s.rate / 1000, ms: s.ms }
            prev = s.rate
            return stage
          })
          const area = stages.reduce((a, s) => a + ((s.from + s.to) / 2) * s.ms, 0)
          const total = stages.reduce((a, s) => a + s.ms, 0)
          const offsets = [...arrivalOffsets(stages)]
          expect(Math.abs(offsets.length - area)).toBeLessThanOrEqual(1)
          expect(offsets.every((o, i) => o <= total && (i === 0 || o >= offsets[i - 1]!))).toBe(true)
        },
      ),
      { numRuns: 50 },
    )
  })
})

describe('Sink percentiles', () => {
  it('interpolates like k6: p(50) of 1..4 is 2.5, p(90) of 1..10 is 9.1', () => {
    const s = new Sink('trend')
    for (const v of [4, 1, 3, 2]) s.add(v)
    expect(s.stat('med', 0)).toBe(2.5)
    const t = new Sink('trend')
    for (let v = 10; v >= 1; v--) t.add(v)
    expect(t.stat('p(90)', 0)).toBeCloseTo(9.1)
    expect(t.stat('avg', 0)).toBe(5.5)
  })
})

describe('parseScenarios', () => {
  it('rejects executors the runner lacks, naming the option', () => {
    expect(() => parseScenarios({ scenarios: { a: { executor: 'ramping-vus' } } })).toThrow(
      /options\.scenarios\.a\.executor 'ramping-vus' is not supported/,
    )
    expect(() => parseScenarios({ iterations: 10 })).toThrow(/options\.iterations.*shared-iterations/)
  })
  it('requires maxVUs >= preAllocatedVUs', () => {
    expect(() =>
      parseScenarios({
        scenarios: {
          a: { executor: 'constant-arrival-rate', rate: 1, duration: '1s', preAllocatedVUs: 5, maxVUs: 2 },
        },
      }),
    ).toThrow(/options\.scenarios\.a\.maxVUs must be >= preAllocatedVUs/)
  })
})
