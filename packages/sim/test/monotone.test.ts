import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { simulate } from '../src/engine.ts'
import { type Scenario, validateScenario } from '../src/scenario.ts'

// More warehouse capacity never costs more in late-shipment payouts, all else fixed: picks are
// FIFO with a fixed pick time, so no order ships later with more capacity; every buyer's draws
// are keyed by (seed, order), so the late set only shrinks and so do complaints and payouts.

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`

const scenarioArb = fc
  .record({
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    day: fc.constantFrom('2020-11-11', '2020-12-01'), // inside / outside the PAY-2 window
    orders: fc.integer({ min: 0, max: 3000 }),
    halfLife: fc.integer({ min: 1, max: 240 }),
    baseShare: fc.double({ min: 0, max: 1, noNaN: true }),
    price: fc.integer({ min: 1, max: 9999 }),
    stock: fc.integer({ min: 0, max: 3000 }),
    presale: fc.boolean(),
    policy: fc.constantFrom('strict', 'synced'),
    buffer: fc.integer({ min: 0, max: 20 }),
    lag: fc.integer({ min: 0, max: 600 }),
    restockUnits: fc.integer({ min: 0, max: 500 }),
    restockHours: fc.integer({ min: 1, max: 120 }),
    shiftFrom: fc.integer({ min: 0, max: 12 * 60 }),
    shiftLen: fc.integer({ min: 60, max: 12 * 60 }),
    waves: fc.uniqueArray(fc.integer({ min: 0, max: 23 * 60 + 59 }), { maxLength: 4 }),
    cs: fc.integer({ min: 0, max: 200 }),
    complainRate: fc.double({ min: 0, max: 1, noNaN: true }),
    refundShare: fc.double({ min: 0, max: 1, noNaN: true }),
    upheldRate: fc.double({ min: 0, max: 1, noNaN: true }),
    capacities: fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 3000 })),
  })
  .map((p) => {
    const s: Scenario = validateScenario({
      name: 'prop',
      seed: p.seed,
      calendar: '2020',
      window: { from: `${p.day}T00:00:00+08:00`, to: `${p.day}T23:59:00+08:00` },
      arrivals: {
        orders: p.orders,
        shape: 'burst',
        burst: { halfLifeMinutes: p.halfLife, baseShare: p.baseShare },
      },
      skus: [{ id: 'x', priceYuan: p.price, stock: p.stock, presale: p.presale }],
      oversell: { policy: p.policy, buffer: p.buffer, syncLagSeconds: p.lag },
      restock: [
        {
          at: new Date(Date.parse(`${p.day}T00:00:00+08:00`) + p.restockHours * 3_600_000).toISOString(),
          units: p.restockUnits,
        },
      ],
      warehouse: {
        picksPerHour: 1,
        shifts: [{ from: hhmm(p.shiftFrom), to: hhmm(p.shiftFrom + p.shiftLen) }],
        pickupWaves: p.waves.map(hhmm),
      },
      service: { complaintsPerHour: p.cs },
      buyers: {
        complainRate: p.complainRate,
        refundRate: (1 - p.complainRate) * p.refundShare,
        upheldRate: p.upheldRate,
      },
      horizonDays: 10,
    })
    const [a, b] = p.capacities
    return { s, low: Math.min(a, b), high: Math.max(a, b) }
  })

describe('late-shipment payout is monotone in warehouse capacity (fast-check)', () => {
  it('more picksPerHour never raises late orders or payouts', () => {
    fc.assert(
      fc.property(scenarioArb, ({ s, low, high }) => {
        const lo = simulate({ ...s, warehouse: { ...s.warehouse, picksPerHour: low } })
        const hi = simulate({ ...s, warehouse: { ...s.warehouse, picksPerHour: high } })
        expect(hi.late.total).toBeLessThanOrEqual(lo.late.total)
        expect(hi.payouts.late_shipment.amountFen).toBeLessThanOrEqual(lo.payouts.late_shipment.amountFen)
        expect(hi.payouts.totalFen).toBeLessThanOrEqual(lo.payouts.totalFen)
        // capacity does not change who could buy
        expect(hi.orders.accepted).toBe(lo.orders.accepted)
      }),
      { numRuns: 300 },
    )
  })
})
