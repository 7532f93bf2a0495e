import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { durationSeconds, meanTargetRate, parseArrivalStages, stagesSeconds } from '../src/arrival-stages.ts'

const stages = parseArrivalStages({
  startRate: 2,
  stages: [
    { target: 20, duration: '10s' },
    { target: 3, duration: '5s' },
  ],
})

describe('arrival stages (CAL-3 target line)', () => {
  it('reads k6 durations', () => {
    expect(durationSeconds('10s')).toBe(10)
    expect(durationSeconds('1m30s')).toBe(90)
    expect(durationSeconds('500ms')).toBe(0.5)
    expect(durationSeconds('0s')).toBe(0)
    expect(() => durationSeconds('ten')).toThrow(/stages\[\]\.duration: "ten".*CAL-3/)
  })

  it('ramps linearly from startRate through each stage target', () => {
    expect(stagesSeconds(stages)).toBe(15)
    expect(meanTargetRate(stages, 0, 10)).toBeCloseTo(11, 9) // (2 + 20) / 2
    expect(meanTargetRate(stages, 10, 15)).toBeCloseTo(11.5, 9) // (20 + 3) / 2
    expect(meanTargetRate(stages, 4.5, 5.5)).toBeCloseTo(11, 9) // the ramp's value at 5 s
    expect(meanTargetRate(stages, 15, 16)).toBe(0) // after the last stage
    expect(meanTargetRate(stages, -1, 0)).toBe(0) // before the load
  })

  it('a 0s stage is a step', () => {
    const s = parseArrivalStages({
      startRate: 0,
      stages: [
        { target: 8, duration: '0s' },
        { target: 8, duration: '2s' },
      ],
    })
    expect(meanTargetRate(s, 0, 1)).toBe(8)
  })

  it('bucket means integrate to the stages total (any split)', () => {
    fc.assert(
      fc.property(
        fc.nat(50),
        fc.array(fc.record({ target: fc.nat(500), seconds: fc.integer({ min: 0, max: 30 }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.integer({ min: 1, max: 10 }),
        (startRate, raw, bucket) => {
          const s = parseArrivalStages({
            startRate,
            stages: raw.map((r) => ({ target: r.target, duration: `${r.seconds}s` })),
          })
          const total = stagesSeconds(s)
          let sum = 0
          for (let t = 0; t < total; t += bucket) sum += meanTargetRate(s, t, t + bucket) * bucket
          const whole = total > 0 ? meanTargetRate(s, 0, total) * total : 0
          expect(sum).toBeCloseTo(whole, 6)
        },
      ),
    )
  })

  it('bad stages name the field and the rule', () => {
    expect(() => parseArrivalStages({})).toThrow(/"stages" array.*CAL-3/)
    expect(() => parseArrivalStages({ stages: [{ target: -1, duration: '1s' }] })).toThrow(
      /stages\[0\]\.target/,
    )
    expect(() => parseArrivalStages({ startRate: 'x', stages: [] })).toThrow(/stages\.startRate/)
  })
})
