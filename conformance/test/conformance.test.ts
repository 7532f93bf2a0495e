import { runScripted, sortRows } from '@d11/sim/scripted'
import { describe, expect, it } from 'vitest'
import { CASES } from './histories.ts'
import { runOnPlatform } from './platform-driver.ts'

/**
 * Every named history through the live platform and through the simulator: both must give the
 * same (order, cause, rule ID, amount in fen) rows, and those rows must be the ones the spec
 * expects (so both engines cannot be wrong the same way unnoticed).
 */
describe('conformance: the platform and the simulator decide alike', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(name, async () => {
      const sim = runScripted(c.history)
      expect(sim).toEqual(sortRows(c.expected))
      const live = await runOnPlatform(c.history)
      // the simulator's input is the price actually paid: the platform must have charged it
      live.paidFen.forEach((fen, i) => {
        if (fen === undefined) return // a checkout the stock policy refused
        const sku = c.history.skus.find((k) => k.id === c.history.orders[i]!.sku)!
        expect(fen, `order ${i} paid`).toBe(sku.paidFen)
      })
      expect(sortRows(live.rows)).toEqual(sim)
    })
  }
})
