import { describe, expect, it } from 'vitest'
import { SimClock } from '../src/sim-clock.ts'

const START = Date.UTC(2020, 10, 10, 16)

describe('SimClock following another clock (update)', () => {
  it('extrapolates from the last reading and tells listeners only of real changes', () => {
    let wall = 0
    const clock = SimClock.fromReading({ simTimeMs: START, rate: 60 }, () => wall)
    let changes = 0
    clock.onChange(() => changes++)
    wall = 1_000
    expect(clock.now()).toBe(START + 60_000)
    // the same reading a poll later: on track, nobody is told
    clock.update({ simTimeMs: START + 60_500, rate: 60 }, 1_000)
    expect(changes).toBe(0)
    // the platform jumped an hour: listeners (the scheduler) must re-arm
    clock.update({ simTimeMs: START + 3_600_000, rate: 60 }, 1_000)
    expect(changes).toBe(1)
    expect(clock.now()).toBe(START + 3_600_000)
    // a rate change is a change even without a jump
    clock.update({ simTimeMs: START + 3_600_000, rate: 0 }, 1_000)
    expect(changes).toBe(2)
    wall = 10_000
    expect(clock.now()).toBe(START + 3_600_000)
  })

  it('advance and set always notify and never move time backwards by accident', () => {
    let wall = 0
    const clock = new SimClock(START, 2, () => wall)
    let changes = 0
    clock.onChange(() => changes++)
    clock.advance(5_000)
    wall = 1_000
    expect(clock.now()).toBe(START + 7_000)
    clock.set(undefined, 0)
    wall = 9_000
    expect(clock.now()).toBe(START + 7_000)
    expect(clock.rate).toBe(0)
    expect(changes).toBe(2)
  })
})
