import { runScripted, type ScriptedHistory, type ScriptedOrder, sortRows } from '@d11/sim/scripted'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { HOUR, t } from './histories.ts'
import { runOnPlatform } from './platform-driver.ts'

// Payments on whole minutes, pickups on half hours and complaints on quarter hours after them: no
// action lands exactly on a deadline (SHIP-1's and PAY-5's are whole hours after their start), so
// neither engine's order of simultaneous events is what a history tests.
const order = (base: number) =>
  fc
    .record({
      minute: fc.integer({ min: 0, max: 36 * 60 }),
      pickupHours: fc.option(fc.integer({ min: 1, max: 90 }), { nil: undefined }),
      complainHours: fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }),
      presale: fc.boolean(),
    })
    .map((o): ScriptedOrder => {
      const paidAt = base + o.minute * 60_000
      return {
        sku: o.presale ? 'pre' : 'cup',
        paidAt,
        // a presale deposit a week before the final payment, inside the presale phase
        ...(o.presale ? { orderedAt: paidAt - 7 * 24 * HOUR } : {}),
        ...(o.pickupHours === undefined ? {} : { pickupAt: paidAt + (o.pickupHours + 0.5) * HOUR }),
        ...(o.complainHours === undefined ? {} : { complainAt: paidAt + (o.complainHours + 0.25) * HOUR }),
      }
    })

const history = fc
  .record({
    // wave 1 of 2020 (inside PAY-2's window, presale final payment open) or December (outside, spot only)
    inWindow: fc.boolean(),
    desk: fc.constantFrom('in-time' as const, 'escalate' as const),
    // few units and a signed oversell share: checkouts refused, accepted or oversold (PAY-3)
    stock: fc.integer({ min: 1, max: 6 }),
    oversellShare: fc.constantFrom(0, 0.5, 1),
    orders: fc.array(order(0), { minLength: 1, maxLength: 6 }),
  })
  .map(({ inWindow, desk, stock, oversellShare, orders }): ScriptedHistory => {
    const base = inWindow ? t('2020-11-01T10:00:00+08:00') : t('2020-12-01T10:00:00+08:00')
    return {
      name: 'random',
      calendar: '2020',
      desk,
      oversellShare,
      skus: [
        { id: 'cup', paidFen: 20_000, stock },
        { id: 'pre', paidFen: 12_300, stock: 100, presale: true },
      ],
      orders: orders.map(({ orderedAt, ...o }) => ({
        ...o,
        sku: inWindow ? o.sku : 'cup',
        ...(inWindow && orderedAt !== undefined ? { orderedAt: orderedAt + base } : {}),
        paidAt: o.paidAt + base,
        ...(o.pickupAt === undefined ? {} : { pickupAt: o.pickupAt + base }),
        ...(o.complainAt === undefined ? {} : { complainAt: o.complainAt + base }),
      })),
    }
  })

describe('conformance property', () => {
  it('random histories give the same rows in the platform and the simulator', async () => {
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        const sim = runScripted(h)
        const live = await runOnPlatform(h)
        expect(sortRows(live.rows)).toEqual(sim)
      }),
      { numRuns: 25, seed: 14 },
    )
  })
})
