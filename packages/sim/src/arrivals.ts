import { expectedCounts } from '@d11/curve/curve'
import { getCalendar } from '@d11/rules/calendar'
import seedrandom from 'seedrandom'
import type { Scenario } from './scenario.ts'

const MINUTE = 60_000

export interface Arrivals {
  /** payment times, integer epoch ms, non-decreasing */
  times: Float64Array
  /** SKU index of each order */
  sku: Uint16Array
  /**
   * Units each order buys (PAY-3 counts units against stock, as the platform does) @default 1 each.
   * Generated arrivals leave it out; a stored live run's multi-unit orders set it. A restock
   * still releases one backordered order per unit, so give units only to scenarios without restocks.
   */
  units?: Uint16Array
}

/** Relative weight of each minute of the window for the scenario's arrival shape. */
export function minuteWeights(s: Scenario): Float64Array {
  const from = Date.parse(s.window.from)
  const to = Date.parse(s.window.to)
  const M = Math.max(1, Math.ceil((to - from) / MINUTE))
  const w = new Float64Array(M)
  if (s.arrivals.shape === 'flat') {
    w.fill(1)
  } else if (s.arrivals.shape === 'curve') {
    const counts = expectedCounts({ calendar: getCalendar(s.calendar as '2020'), from, to }).counts
    for (let m = 0; m < M; m++) w[m] = Math.max(0, counts[m] ?? 0)
  } else {
    const b = s.arrivals.burst
    const at = b.at === undefined ? from : Date.parse(b.at)
    const a = Math.floor((at - from) / MINUTE)
    const hl = b.halfLifeMinutes
    // spike mass per minute: integral of 2^(-x/hl) over [m-a, m-a+1]
    let spikeSum = 0
    const spike = new Float64Array(M)
    const k = Math.LN2 / hl
    for (let m = a; m < M; m++) {
      const x = m - a
      const v = (Math.exp(-k * x) - Math.exp(-k * (x + 1))) / k
      spike[m] = v
      spikeSum += v
    }
    for (let m = 0; m < M; m++)
      w[m] = b.baseShare / M + (spikeSum > 0 ? ((1 - b.baseShare) * spike[m]!) / spikeSum : 0)
  }
  return w
}

/**
 * Exactly `arrivals.orders` payment times over the window, drawn from the minute weights by
 * inverse CDF of sorted uniforms (exponential spacings: O(n), no sort), so they come out in order.
 */
export function buildArrivals(s: Scenario, seed: number): Arrivals {
  const n = s.arrivals.orders ?? 0
  const from = Date.parse(s.window.from)
  const w = minuteWeights(s)
  const M = w.length
  const cum = new Float64Array(M + 1)
  for (let m = 0; m < M; m++) cum[m + 1] = cum[m]! + w[m]!
  const total = cum[M]!
  const times = new Float64Array(n)
  const sku = new Uint16Array(n)
  if (n === 0 || !(total > 0)) return { times, sku }

  const rng = seedrandom.alea(`${seed}|times`)
  let acc = 0
  for (let i = 0; i < n; i++) {
    acc -= Math.log(1 - rng())
    times[i] = acc
  }
  acc -= Math.log(1 - rng())
  const scale = total / acc
  let m = 0
  for (let i = 0; i < n; i++) {
    const target = times[i]! * scale
    while (m < M - 1 && cum[m + 1]! <= target) m++
    const wm = w[m]!
    const frac = wm > 0 ? Math.min((target - cum[m]!) / wm, 0.999999) : 0
    times[i] = Math.floor(from + (m + frac) * MINUTE)
  }

  const K = s.skus.length
  if (K > 1) {
    const shares = new Float64Array(K)
    let sum = 0
    s.skus.forEach((k, i) => {
      sum += k.share
      shares[i] = sum
    })
    const pick = seedrandom.alea(`${seed}|sku`)
    for (let i = 0; i < n; i++) {
      const u = pick() * sum
      let k = 0
      while (k < K - 1 && shares[k]! <= u) k++
      sku[i] = k
    }
  }
  return { times, sku }
}
