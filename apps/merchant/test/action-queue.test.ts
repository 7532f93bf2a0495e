import { SimClock } from '@d11/time/sim-clock'
import { describe, expect, it } from 'vitest'
import { ActionQueue } from '../src/action-queue.ts'

describe('action queue', () => {
  it('fires in simulated-time order when the clock jumps, and nothing early', async () => {
    let wall = 1_000
    const clock = SimClock.fromReading({ simTimeMs: 0, rate: 0 }, () => wall)
    const q = new ActionQueue(clock)
    const fired: string[] = []
    q.at(3_000, () => fired.push('c'))
    q.at(1_000, () => fired.push('a'))
    q.at(2_000, () => fired.push('b'))
    q.at(0, () => fired.push('now'))
    q.at(Number.POSITIVE_INFINITY, () => fired.push('never'))
    await new Promise((r) => setTimeout(r, 20))
    // paused: only what is due at the current instant ran
    expect(fired).toEqual(['now'])
    clock.update({ simTimeMs: 2_500, rate: 0 }, wall)
    expect(fired).toEqual(['now', 'a', 'b'])
    wall += 10
    clock.update({ simTimeMs: 10_000, rate: 1 }, wall)
    expect(fired).toEqual(['now', 'a', 'b', 'c'])
    expect(q.size).toBe(0)
    q.close()
  })
})
