import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Scheduler } from '../src/scheduler.ts'
import { simTime, toShanghaiIsoSeconds } from '../src/shanghai.ts'
import { SimClock } from '../src/sim-clock.ts'

const H = 3_600_000
const START = simTime('2020-11-01T10:00:00+08:00')

describe('SimClock', () => {
  it('maps wall time through the rate and re-anchors on a rate change', () => {
    let wall = 1_000
    const clock = new SimClock(START, 60, () => wall)
    wall += 1_000
    expect(clock.now()).toBe(START + 60_000)
    clock.set(undefined, 3600)
    expect(clock.now()).toBe(START + 60_000)
    wall += 1_000
    expect(clock.now()).toBe(START + 60_000 + H)
  })

  it('formats +08:00 independent of the host zone', () => {
    expect(toShanghaiIsoSeconds(START)).toBe('2020-11-01T10:00:00+08:00')
    expect(() => simTime('2020-11-01T10:00:00')).toThrow(/2020-11-01T10:00:00/)
  })
})

describe('Scheduler', () => {
  afterEach(() => vi.useRealTimers())

  it('fires in time order whatever the insertion order (heap property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 200 }), (offsets) => {
        const wall = 0
        const clock = new SimClock(START, 0, () => wall)
        const s = new Scheduler(clock)
        const fired: number[] = []
        for (const o of offsets) s.at(START + o, 'x', (at) => fired.push(at))
        clock.advance(1_000_001)
        s.close()
        expect(fired).toEqual(offsets.map((o) => START + o).sort((a, b) => a - b))
      }),
    )
  })

  it('skips cancelled deadlines', () => {
    const clock = new SimClock(START, 0)
    const s = new Scheduler(clock)
    const fired: string[] = []
    const d = s.at(START + 10, 'a', () => fired.push('a'))
    s.at(START + 20, 'b', () => fired.push('b'))
    d.cancelled = true
    clock.advance(100)
    expect(fired).toEqual(['b'])
    s.close()
  })

  it('fires at the right simulated instant when the rate changes (one wall timer)', () => {
    vi.useFakeTimers({ now: 0 })
    const clock = new SimClock(START, 60, () => Date.now())
    const s = new Scheduler(clock)
    const fired: Array<{ at: number; simNow: number }> = []
    // 48 h pickup deadline: at rate 60 it is 48 wall minutes away.
    s.at(START + 48 * H, 'pickup', (at) => fired.push({ at, simNow: clock.now() }))
    vi.advanceTimersByTime(24 * 60_000) // 24 sim hours pass
    expect(fired).toHaveLength(0)
    expect(clock.now()).toBe(START + 24 * H)
    clock.set(undefined, 3600) // now 1 wall second = 1 sim hour: 24 wall seconds remain
    vi.advanceTimersByTime(23_000)
    expect(fired).toHaveLength(0)
    vi.advanceTimersByTime(1_000)
    expect(fired).toEqual([{ at: START + 48 * H, simNow: START + 48 * H }])
    s.close()
  })

  it('does not fire early when the rate drops, and pauses at rate 0', () => {
    vi.useFakeTimers({ now: 0 })
    const clock = new SimClock(START, 3600, () => Date.now())
    const s = new Scheduler(clock)
    let fired = 0
    s.at(START + 10 * H, 'trace', () => fired++)
    vi.advanceTimersByTime(5_000) // 5 sim hours
    clock.set(undefined, 0)
    vi.advanceTimersByTime(3_600_000)
    expect(fired).toBe(0)
    clock.set(undefined, 60) // 5 sim hours = 300 wall seconds
    vi.advanceTimersByTime(299_000)
    expect(fired).toBe(0)
    vi.advanceTimersByTime(1_000)
    expect(fired).toBe(1)
    s.close()
  })
})
