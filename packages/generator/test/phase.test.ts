import { phaseAt } from '@d11/rules/calendar'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { World } from '../src/world.ts'

// The order hot path looks phases up in its own table instead of calling @d11/rules' phaseAt
// (which builds an object per call): the two must agree at every instant, edges included.
describe('World.phaseIndex', () => {
  for (const calendar of ['2020', '2022']) {
    const world = new World({ seed: 1, scale: 'tiny', calendar })
    const lookup = (t: number) => {
      const k = world.phaseIndex(t)
      return k < 0
        ? undefined
        : (world as unknown as { phases: Array<{ wave: number; phase: string }> }).phases[k]
    }
    const edges = world.calendar.waves.flatMap((w) => [
      w.presale.opens,
      w.presale.finalPaymentOpens,
      w.presale.finalPaymentCloses,
      w.spot.opens,
      w.spot.closes,
    ])

    it(`calendar ${calendar}: agrees with phaseAt at every window edge and around it`, () => {
      for (const e of edges) {
        for (const t of [e - 1, e, e + 1]) {
          const want = phaseAt(world.calendar, t)
          const got = lookup(t)
          expect(got && { wave: got.wave, phase: got.phase }, new Date(t).toISOString()).toEqual(want)
        }
      }
    })

    it(`calendar ${calendar}: agrees with phaseAt anywhere in the world window`, () => {
      fc.assert(
        fc.property(fc.integer({ min: world.window.from, max: world.window.to }), (t) => {
          const want = phaseAt(world.calendar, t)
          const got = lookup(t)
          expect(got && { wave: got.wave, phase: got.phase }).toEqual(want)
        }),
        { numRuns: 2000 },
      )
    })
  }
})
