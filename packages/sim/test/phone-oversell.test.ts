import { describe, expect, it } from 'vitest'
import { simulate } from '../src/engine.ts'
import { loadScenario, parseScenario } from '../src/scenario.ts'
import { PHONE, phoneIn2024Text } from './helpers.ts'

// 000: ~500 oversold, 335 upheld late-shipment complaints × 500 yuan = 167,500 yuan (16,750,000 fen).
const TARGET_FEN = 16_750_000
// Tolerance: both the oversold count (arrivals inside the sync lag) and the complaints (Bernoulli
// 0.67 per late buyer) are random; over 100 seeds the payout has mean 167,510 yuan and sd ≈ 8,700
// yuan (5.2 %). The shipped seed must land within ±5 % (it is pinned, so this cannot flake); the
// mean over 20 seeds (sd ≈ 1,950 yuan, 1.2 %) within ±3 % (≈2.6 sd).
const ONE_SEED = 0.05
const MEAN_OF_20 = 0.03

describe('examples/phone-oversell.yaml reproduces the 000 case (PAY-1, PAY-2, SHIP-1)', () => {
  const scenario = loadScenario(PHONE)

  it('oversells ~500 phones, all late, and pays ≈ 167,500 yuan at the 500-yuan cap', () => {
    const r = simulate(scenario)
    expect(r.orders.oversold).toBeGreaterThanOrEqual(450)
    expect(r.orders.oversold).toBeLessThanOrEqual(550)
    // only the oversold orders are late: the warehouse keeps up with the in-stock ones
    expect(r.late.oversell).toBe(r.orders.oversold)
    expect(r.late.capacity).toBe(0)
    // inside the no-auto-compensation window (PAY-2) only upheld complaints are paid
    expect(r.payouts.late_shipment.count).toBe(r.complaints.upheld)
    expect(r.payouts.late_shipment.amountFen).toBe(r.payouts.late_shipment.count * 50_000)
    expect(Math.abs(r.payouts.totalFen - TARGET_FEN) / TARGET_FEN).toBeLessThanOrEqual(ONE_SEED)
    // ~67 % of the late buyers complain
    expect(r.complaints.filed / r.late.total).toBeGreaterThan(0.6)
    expect(r.complaints.filed / r.late.total).toBeLessThan(0.74)
  })

  it('the mean over 20 seeds is within ±3 % of 167,500 yuan', () => {
    let sum = 0
    for (let seed = 1; seed <= 20; seed++) sum += simulate({ ...scenario, seed }).payouts.totalFen
    expect(Math.abs(sum / 20 - TARGET_FEN) / TARGET_FEN).toBeLessThanOrEqual(MEAN_OF_20)
  })

  it('outside the no-auto-compensation window every late order is paid automatically (PAY-2)', () => {
    const december = {
      ...scenario,
      window: { from: '2020-12-11T00:00:00+08:00', to: '2020-12-12T00:00:00+08:00' },
      arrivals: {
        ...scenario.arrivals,
        burst: { ...scenario.arrivals.burst, at: '2020-12-11T00:00:00+08:00' },
      },
      restock: [{ at: '2020-12-14T10:00:00+08:00', units: 1000 }],
    }
    const r = simulate(december)
    expect(r.complaints.filed).toBe(0)
    expect(r.payouts.late_shipment.count).toBe(r.late.total)
    expect(r.payouts.totalFen).toBe(r.late.total * 50_000)
  })

  it('a strict stock policy never oversells (PAY-3 risk gone) and pays nothing', () => {
    const r = simulate({ ...scenario, oversell: { ...scenario.oversell, policy: 'strict' } })
    expect(r.orders.oversold).toBe(0)
    expect(r.orders.accepted).toBe(20_000)
    expect(r.payouts.totalFen).toBe(0)
  })

  it('without a restock the oversold orders can never ship: refunded and compensated as PAY-3 on complaint', () => {
    const r = simulate({ ...scenario, restock: [] })
    expect(r.orders.neverShipped).toBe(r.orders.oversold)
    expect(r.payouts.late_shipment.count).toBe(0)
    expect(r.payouts.oversell.count).toBe(r.complaints.upheld)
    expect(r.payouts.oversell.amountFen).toBe(r.payouts.oversell.count * 50_000)
  })

  it('2020: presale orders are paid like spot ones (PAY-4 is a 2024 rule): 500 yuan each, same total', () => {
    const base = simulate(scenario)
    const presale = simulate({ ...scenario, skus: [{ ...scenario.skus[0]!, presale: true }] })
    expect(presale.complaints.upheld).toBe(base.complaints.upheld)
    expect(presale.payouts.late_shipment.amountFen).toBe(presale.payouts.late_shipment.count * 50_000)
    expect(presale.payouts.totalFen).toBe(base.payouts.totalFen)
  })

  it('2024: presale orders are paid the PAY-4 multiple (750 yuan), still from the same late set', () => {
    const s2024 = parseScenario(phoneIn2024Text(), 'phone-2024')
    const base = simulate(s2024)
    const presale = simulate({ ...s2024, skus: [{ ...s2024.skus[0]!, presale: true }] })
    expect(presale.complaints.upheld).toBe(base.complaints.upheld)
    const per = presale.payouts.late_shipment.amountFen / presale.payouts.late_shipment.count
    expect(per).toBe(75_000)
  })
})
