import { warehouseShifts, workingTime } from '@d11/merchant-model/capacity'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { minuteWeights } from '../src/arrivals.ts'
import { simulate } from '../src/engine.ts'
import { EventHeap, IndexQueue } from '../src/heap.ts'
import { loadScenario, parseScenario } from '../src/scenario.ts'
import { PHONE, phoneIn2024Text } from './helpers.ts'

const phone = loadScenario(PHONE)

describe('event heap and queues', () => {
  it('pops by time, then priority, then insertion order (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3 })), {
          maxLength: 300,
        }),
        (evs) => {
          const h = new EventHeap(4)
          evs.forEach(([t, p], i) => {
            h.push(t, p, p, i)
          })
          const expected = evs
            .map(([t, p], i) => ({ t, p, i }))
            .sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i)
          const got: number[] = []
          while (h.size > 0) {
            got.push(h.topArg())
            h.pop()
          }
          expect(got).toEqual(expected.map((e) => e.i))
        },
      ),
    )
  })

  it('the index queue is FIFO across growth and counts its pushes and shifts', () => {
    const q = new IndexQueue(2)
    for (let i = 0; i < 100; i++) {
      q.push(i)
      if (i % 3 === 0) expect(q.shift()).toBe(i / 3)
    }
    expect(q.pushed).toBe(100)
    expect(q.shifted).toBe(34)
    expect(q.peek()).toBe(34)
  })
})

describe('warehouse working time (shifts in Asia/Shanghai)', () => {
  const warehouse = { ...phone.warehouse, shifts: [{ from: '08:00', to: '22:00' }] }
  const w = workingTime(warehouseShifts(warehouse), warehouse.picksPerHour)

  it('inverse is the earliest instant with that much working time (fast-check)', () => {
    const from = Date.parse('2020-11-01T00:00:00+08:00')
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 * 86_400_000 }), (dt) => {
        const t = from + dt
        const back = w.inverse(w.at(t))
        expect(back).toBeLessThanOrEqual(t + 1e-6)
        expect(Math.abs(w.at(back) - w.at(t))).toBeLessThan(1e-6)
      }),
    )
  })

  it('nothing is picked outside the shift: 08:00 + 1 working minute is 08:01 Shanghai, whatever the host zone', () => {
    const night = Date.parse('2020-11-11T02:00:00+08:00')
    expect(w.inverse(w.at(night) + 1)).toBe(Date.parse('2020-11-11T08:01:00+08:00'))
    expect(
      w.at(Date.parse('2020-11-12T00:00:00+08:00')) - w.at(Date.parse('2020-11-11T00:00:00+08:00')),
    ).toBe(14 * 60)
  })

  it('a shift with its own picksPerHour weighs its minutes by rate: half the rate, half the work per minute', () => {
    const warehouse = {
      ...phone.warehouse,
      picksPerHour: 600,
      shifts: [
        { from: '08:00', to: '20:00' },
        { from: '20:00', to: '24:00', picksPerHour: 300 },
      ],
    }
    const rated = workingTime(warehouseShifts(warehouse), warehouse.picksPerHour)
    const day = (iso: string) => rated.at(Date.parse(iso))
    expect(day('2020-11-12T00:00:00+08:00') - day('2020-11-11T00:00:00+08:00')).toBe(12 * 60 + 4 * 30)
    // one working minute after 20:00 takes two wall minutes at the half rate
    expect(rated.inverse(day('2020-11-11T20:00:00+08:00') + 1)).toBe(Date.parse('2020-11-11T20:02:00+08:00'))
    const from = Date.parse('2020-11-01T00:00:00+08:00')
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 * 86_400_000 }), (dt) => {
        const back = rated.inverse(rated.at(from + dt))
        expect(back).toBeLessThanOrEqual(from + dt + 1e-6)
        expect(Math.abs(rated.at(back) - rated.at(from + dt))).toBeLessThan(1e-6)
      }),
    )
  })
})

describe('arrival shapes', () => {
  it('curve: the @d11/curve intensity of the calendar, peaking in the first minutes of Nov 11', () => {
    const s = {
      ...phone,
      window: { from: '2020-11-10T22:00:00+08:00', to: '2020-11-11T02:00:00+08:00' },
      arrivals: {
        ...phone.arrivals,
        shape: 'curve' as const,
        burst: { ...phone.arrivals.burst, at: undefined },
      },
    }
    const w = minuteWeights(s)
    expect(w).toHaveLength(240)
    const mean = w.reduce((a, b) => a + b, 0) / w.length
    const peak = Math.max(...w.slice(120, 130))
    expect(peak).toBeGreaterThan(2 * mean)
    const r = simulate(s, {})
    expect(r.orders.arrived).toBe(s.arrivals.orders)
  })

  it('flat: evenly spread', () => {
    const w = minuteWeights({ ...phone, arrivals: { ...phone.arrivals, shape: 'flat' } })
    expect(new Set(w).size).toBe(1)
  })
})

describe('PAY-6 mass delay', () => {
  it('2024: a warehouse far too small gets the merchant warned, then removed, with the moments recorded as events', () => {
    const events: Array<{ kind: string; ruleId: string; simTime: number }> = []
    const phone2024 = parseScenario(phoneIn2024Text(), 'phone-2024')
    const r = simulate(
      { ...phone2024, warehouse: { ...phone2024.warehouse, picksPerHour: 300 } },
      {
        sink: { payout() {}, verdict() {}, event: (e) => events.push(e) },
      },
    )
    expect(r.sla.pickup48hRate).toBeLessThan(0.85)
    expect(r.massDelay.warnedAt).not.toBeNull()
    expect(r.massDelay.removedAt).not.toBeNull()
    expect(r.massDelay.removedAt!).toBeGreaterThanOrEqual(r.massDelay.warnedAt!)
    expect(events.filter((e) => e.ruleId === 'PAY-6').map((e) => e.kind)).toEqual([
      'mass_delay_warning',
      'mass_delay_removal',
    ])
  })

  it('2020: PAY-6 is not in force (a 2024 rule of 002), so the same small warehouse is never warned', () => {
    const r = simulate({ ...phone, warehouse: { ...phone.warehouse, picksPerHour: 300 } })
    expect(r.sla.pickup48hRate).toBeLessThan(0.85)
    expect(r.massDelay).toEqual({ warnedAt: null, removedAt: null })
  })

  it('the 000 case itself, moved to 2024 where PAY-6 is in force, stays below the warning threshold', () => {
    const phone2024 = parseScenario(phoneIn2024Text(), 'phone-2024')
    const r = simulate(phone2024, {})
    expect(r.massDelay).toEqual({ warnedAt: null, removedAt: null })
  })
})

describe('lagging by publication (oversell.syncEverySeconds): the live merchant’s schedule', () => {
  // one SKU of 3 units; the merchant publishes every 100 s a view 90 s stale
  const t0 = Date.parse('2020-11-11T00:00:00+08:00')
  const scenarioWith = (syncEverySeconds: number) => ({
    ...phone,
    skus: [{ ...phone.skus[0]!, stock: 3 }],
    oversell: {
      policy: 'lagging' as const,
      buffer: 0,
      oversellShare: 0,
      syncLagSeconds: 90,
      syncEverySeconds,
    },
    restock: [],
  })
  const at = [10, 20, 30, 40, 50, 110, 120, 210, 220, 230]
  const arrivals = { times: Float64Array.from(at, (s) => t0 + s * 1000), sku: new Uint16Array(at.length) }

  it('resets the sellable figure at each publication to stock less the sales it knew, counts later sales at once', () => {
    const r = simulate(scenarioWith(100), { arrivals })
    // 10-30 take the 3 units, 40 and 50 find none; the publication at 100 knows only the sale at 10
    // (cutoff 10 s): 2 more units, sold at 110 and 120 (oversold); the one at 200 knows 4 sales: none
    expect(r.orders).toMatchObject({ arrived: 10, accepted: 5, rejected: 5, oversold: 2 })
  })

  it('differs from a continuous 90 s lag, which sells 40 and 50 too', () => {
    const r = simulate(scenarioWith(0), { arrivals })
    expect(r.orders).toMatchObject({ accepted: 6, rejected: 4, oversold: 3 })
  })
})
