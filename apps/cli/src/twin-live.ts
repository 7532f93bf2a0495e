import type { Profile } from '@d11/merchant-model/profile'
import { compensationFor } from '@d11/order-flow/payout-amounts'
import { rulesAt } from '@d11/order-flow/rules-context'
import { lastPublicationAt } from '@d11/order-flow/stock-policy'
import type { CalendarId } from '@d11/rules/calendar'
import { diffResults, type EngineDiff } from '@d11/sim/compare'
import { type CellResult, orderDraw, scenarioRules, simulate } from '@d11/sim/engine'
import { SimError } from '@d11/sim/errors'
import type { Scenario } from '@d11/sim/scenario'
import {
  profileToScenario,
  type Slice,
  type SliceKind,
  sliceArrivals,
  sliceOrderedAt,
  TWIN_TOLERANCE,
  type TwinTotals,
  worldSlice,
} from '@d11/sim/twin'
import { DAY_MS as DAY, HOUR_MS as HOUR, toShanghaiIso as iso, shanghaiDayStart } from '@d11/time/shanghai'

/**
 * The live half of "one scenario, two engines": platform + reference merchant in-process
 * (`@d11/merchant/serve`) on a paused simulated clock, driven over HTTP in simulated-time order.
 *
 * The driver stops at every unit's payment instant (places a quantity-1 spot order and pays it),
 * at every carrier wave of the profile (where the merchant picks up, SHIP-1) and on an hourly grid
 * (where late buyers complain), then runs past the horizon and reads the platform's verdicts and
 * payouts. At each wave stop it waits for the merchant to see the new time (its clock polls the
 * platform every 100 ms), runs its due actions and waits for its calls to land, so pickups planned
 * for a wave reach the platform before any later deadline is judged. Payments go one at a time and
 * each waits for its `order.paid` push to reach the merchant, whose FIFO picker plans in arrival
 * order — so the live picker sees the units in the simulator's order.
 */

/** Times the driver sends a request the platform shed before it takes the 503 as the answer. */
const SHED_ATTEMPTS = 10

export interface LiveOptions {
  world: string
  calendar?: CalendarId
  /** buyers' complaint draws: the simulator's `orderDraw(seed, i, 1) < complainRate` on the same unit */
  seed: number
  complainRate: number
  horizonDays: number
  spoolDir?: string
  runId?: string
  /** called after each stop with (done, total) */
  onProgress?: (done: number, total: number) => void
}

export interface LiveResult extends TwinTotals {
  placed: number
  /** placed orders the platform marked oversold (sold beyond physical stock) */
  oversold: number
  rejected: number
  rejectedBy: Record<string, number>
  complaintsFiled: number
  /**
   * Σ over the live payouts of |live amount − the simulator's amount for that SKU|: the part of the
   * payout difference that comes from price alone (the platform's price in force and coupon versus
   * the world's recorded unit price)
   */
  priceGapFen: number
  /** mean amount the platform charged per unit of each SKU (fen) */
  paidFenBySku: Record<string, number>
  pickups: number
  stops: number
}

interface Reply {
  status: number
  body: Record<string, unknown>
}

function waveInstants(waves: string[], from: number, to: number): number[] {
  const out: number[] = []
  const day0 = shanghaiDayStart(from)
  for (let d = day0; d <= to; d += DAY) {
    for (const w of waves) {
      const [h, m] = w.split(':').map(Number)
      const t = d + ((h ?? 0) * 60 + (m ?? 0)) * 60_000
      if (t >= from && t <= to) out.push(t)
    }
  }
  return out
}

export async function liveRun(
  profile: Profile,
  slice: Slice,
  scenario: Scenario,
  opts: LiveOptions,
): Promise<LiveResult> {
  // what the simulator pays per late unit of each SKU (its price), to split the payout gap by cause
  const rs = rulesAt(slice.from, scenarioRules(opts.calendar ?? '2020'))
  const simFen = new Map(
    scenario.skus.map((k) => [
      k.id,
      compensationFor(Math.round(k.priceYuan * 100), k.presale, false, rs).amountFen,
    ]),
  )
  let priceGapFen = 0
  const charged = new Map<string, { sum: number; n: number }>()
  const { serve } = await import('@d11/merchant/serve')
  const start = Math.min(slice.from, ...slice.units.map((u) => u.orderedAt)) - HOUR
  const end = slice.to + opts.horizonDays * DAY
  const served = await serve({
    profile,
    world: opts.world,
    calendar: opts.calendar ?? '2020',
    clockRate: 0,
    clockStart: iso(start),
    ...(opts.spoolDir ? { spoolDir: opts.spoolDir } : {}),
    ...(opts.runId ? { runId: opts.runId } : {}),
  })
  const service = served.merchant.merchant
  // The merchant's calls to the platform in flight (what its own close() waits for). Read-only.
  const inFlight = (service as unknown as { inFlight?: Set<Promise<unknown>> }).inFlight
  if (!(inFlight instanceof Set)) {
    await served.close()
    throw new SimError('SIM_ERR_TWIN', 'the merchant service no longer exposes its calls in flight')
  }
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
  // A busy machine can make the platform shed a request (503 + Retry-After, plugins/overload.ts):
  // that is load, not a decision, so the driver comes back as told (the clock does not run).
  const call = async (method: string, path: string, body?: unknown): Promise<Reply> => {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${served.platformUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      const reply = { status: res.status, body: (await res.json()) as Record<string, unknown> }
      const retryAfterS = Number(res.headers.get('retry-after'))
      if (res.status !== 503 || !(retryAfterS > 0) || attempt >= SHED_ATTEMPTS) return reply
      await sleep(retryAfterS * 1000)
    }
  }
  let now = start
  const advance = async (t: number) => {
    if (t <= now) return
    const r = await call('POST', '/admin/clock/advance', { to: iso(t) })
    if (r.status !== 200)
      throw new SimError('SIM_ERR_TWIN', `clock advance to ${iso(t)}: ${JSON.stringify(r.body)}`)
    now = t
  }
  let paid = 0
  /** the merchant has every order.paid push, sees the clock at `now`, and its due calls have landed */
  const settle = async () => {
    for (let i = 0; (service.snapshot().byType['order.paid'] ?? 0) < paid; i++) {
      if (i > 2000) throw new SimError('SIM_ERR_TWIN', 'the merchant did not receive every order.paid push')
      await sleep(5)
    }
    // nothing scheduled and nothing in flight: no action of the merchant can be due
    if (service.queue.size === 0 && inFlight.size === 0) return
    for (let i = 0; clockOf(served) < now; i++) {
      if (i > 2000) throw new SimError('SIM_ERR_TWIN', 'the merchant clock did not follow the platform')
      await sleep(10)
    }
    service.queue.runDue()
    while (inFlight.size > 0) await Promise.allSettled([...inFlight])
  }

  const unitOf = new Map<string, number>()
  const idOfUnit = new Map<number, string>()
  const oversold = new Set<string>()
  const rejectedBy: Record<string, number> = {}
  let rejected = 0
  let complaintsFiled = 0
  /** orders with a SHIP-1 pickup_48h ok=0 verdict, read as they come (the event ring is bounded) */
  const judged = new Set<string>()
  const payouts: TwinTotals['payouts'] = {
    late_shipment: { count: 0, amountFen: 0 },
    oversell: { count: 0, amountFen: 0 },
    price_protection: { count: 0, amountFen: 0 },
    totalFen: 0,
  }
  const paidOut = new Set<string>()
  const collectPayouts = async () => {
    const pr = await call('GET', '/admin/events?table=payouts&limit=20000')
    for (const row of pr.body.rows as Array<Record<string, unknown>>) {
      const pid = String(row.payout_id)
      if (paidOut.has(pid) || !unitOf.has(String(row.order_id))) continue
      paidOut.add(pid)
      const cause = row.cause as keyof typeof payouts
      const bucket = payouts[cause]
      if (typeof bucket !== 'object') continue
      priceGapFen += Math.abs(Number(row.amount_fen) - (simFen.get(String(row.sku_id)) ?? 0))
      bucket.count++
      bucket.amountFen += Number(row.amount_fen)
      payouts.totalFen += Number(row.amount_fen)
    }
  }
  const complainAboutLate = async () => {
    const r = await call('GET', '/admin/events?table=sla_verdicts&ruleId=SHIP-1&limit=20000')
    for (const row of r.body.rows as Array<Record<string, unknown>>) {
      const id = String(row.order_id)
      if (row.metric !== 'pickup_48h' || row.ok !== 0 || judged.has(id)) continue
      judged.add(id)
      const i = unitOf.get(id)
      if (i === undefined) continue
      if (orderDraw(opts.seed >>> 0, i, 1) < opts.complainRate) {
        const c = await call('POST', `/buyer/orders/${id}/complaints`, { reason: 'late_shipment' })
        if (c.status === 200 || c.status === 201) complaintsFiled++
      }
    }
  }

  // stops: unit payments, carrier waves, an hourly grid, the end
  // a presale unit also stops at its order instant (placed with its deposit, kind 3)
  type Stop = { at: number; kind: 0 | 1 | 2 | 3; unit?: number }
  const stops: Stop[] = []
  const presale = slice.kind === 'presale'
  slice.units.forEach((u, i) => {
    if (presale) stops.push({ at: u.orderedAt, kind: 3, unit: i })
    stops.push({ at: u.paidAt, kind: 1, unit: i })
  })
  for (const w of waveInstants(profile.warehouse.carrierWaves, slice.from, end))
    stops.push({ at: w, kind: 0 })
  for (let t = slice.from + HOUR; t < end; t += HOUR) stops.push({ at: t, kind: 2 })
  // a lagging merchant's stock publications while units sell: each lands before the next payment
  for (const at of publicationInstants(profile, slice)) stops.push({ at, kind: 0 })
  stops.push({ at: end, kind: 0 })
  stops.sort((a, b) => a.at - b.at || a.kind - b.kind || (a.unit ?? 0) - (b.unit ?? 0))

  let pickupsBefore = 0
  try {
    pickupsBefore = service.snapshot().pickups
    for (const [n, s] of stops.entries()) {
      await advance(s.at)
      if (s.kind === 3 || (s.kind === 1 && !presale)) {
        const u = slice.units[s.unit!]!
        const o = await call('POST', '/buyer/orders', {
          buyerId: u.buyerId,
          kind: presale ? 'presale' : 'spot',
          region: u.region,
          items: [{ skuId: u.skuId, quantity: 1 }],
        })
        const order = (o.body.orders as Array<Record<string, unknown>> | undefined)?.[0]
        if ((o.status !== 200 && o.status !== 201) || !order) {
          rejected++
          const code = String(o.body.code ?? o.status)
          rejectedBy[code] = (rejectedBy[code] ?? 0) + 1
          continue
        }
        const id = String(order.id)
        unitOf.set(id, s.unit!)
        idOfUnit.set(s.unit!, id)
        if (order.oversold === true) oversold.add(id)
        if (presale) {
          const d = await call('POST', `/buyer/orders/${id}/pay`, { stage: 'deposit' })
          if (d.status !== 200) throw new SimError('SIM_ERR_TWIN', `deposit ${id}: ${JSON.stringify(d.body)}`)
          continue
        }
      }
      if (s.kind === 1) {
        const u = slice.units[s.unit!]!
        const id = idOfUnit.get(s.unit!)
        if (id === undefined) continue // refused at checkout (counted there)
        const p = await call('POST', `/buyer/orders/${id}/pay`, { stage: presale ? 'final' : 'spot' })
        if (p.status !== 200) throw new SimError('SIM_ERR_TWIN', `pay ${id}: ${JSON.stringify(p.body)}`)
        paid++
        // the merchant's FIFO picker plans in push arrival order: let this push land before the next payment
        for (let w = 0; (service.snapshot().byType['order.paid'] ?? 0) < paid; w++) {
          if (w > 5000)
            throw new SimError('SIM_ERR_TWIN', `the merchant did not receive order.paid for ${id}`)
          await sleep(w < 20 ? 0 : 2)
        }
        const fen = Number((p.body as { paidFen?: unknown }).paidFen)
        const acc = charged.get(u.skuId) ?? { sum: 0, n: 0 }
        acc.sum += fen
        acc.n += 1
        charged.set(u.skuId, acc)
      } else if (s.kind === 0) {
        await settle()
        await complainAboutLate()
        await collectPayouts()
      } else {
        await complainAboutLate()
        await collectPayouts()
      }
      opts.onProgress?.(n + 1, stops.length)
    }
    await settle()
    await call('POST', '/admin/flush', {})

    await complainAboutLate()
    await collectPayouts()
    const late = { oversell: 0, capacity: 0, total: 0 }
    for (const id of judged) {
      if (!unitOf.has(id)) continue
      late.total++
      if (oversold.has(id)) late.oversell++
      else late.capacity++
    }
    return {
      late,
      payouts,
      placed: unitOf.size,
      oversold: oversold.size,
      rejected,
      rejectedBy,
      complaintsFiled,
      priceGapFen,
      paidFenBySku: Object.fromEntries([...charged].map(([k, v]) => [k, Math.round(v.sum / v.n)])),
      pickups: service.snapshot().pickups - pickupsBefore,
      stops: stops.length,
    }
  } finally {
    await served.close()
  }
}

/**
 * The instants a `lagging` merchant publishes its stock view (its clock grid, `lastPublicationAt`)
 * between the slice's first and last payment; none for other reservations.
 */
function publicationInstants(profile: Profile, slice: Slice): number[] {
  if (profile.stock.reservation !== 'lagging' || slice.units.length === 0) return []
  const every = profile.stock.syncEveryMinutes * 60_000
  const paid = slice.units.map((u) => u.paidAt)
  const last = Math.max(...paid)
  const out: number[] = []
  for (let t = lastPublicationAt(Math.min(...paid), every) + every; t <= last; t += every) out.push(t)
  return out
}

/** The merchant's view of simulated time: the clock its action queue is timed by. */
function clockOf(served: { merchant: { merchant: { queue: { clock: { now(): number } } } } }): number {
  return served.merchant.merchant.queue.clock.now()
}

/** The tolerances of the comparison: see `TWIN_TOLERANCE` in `@d11/sim/twin`. */
export { TWIN_TOLERANCE }

export interface TwinOptions {
  world: string
  profile: Profile
  merchantId: string
  from: string
  to: string
  /** spot orders paid in the window, or presale ones whose final payment is @default 'spot' */
  kind?: SliceKind
  calendar?: CalendarId
  horizonDays?: number
  complainRate?: number
  maxUnits?: number
  spoolDir?: string
  runId?: string
  onProgress?: (done: number, total: number) => void
}

export interface TwinReport {
  scenario: Scenario
  units: number
  refusedShip5: number
  refusedRegistration: number
  sim: CellResult
  live: LiveResult
  diff: EngineDiff
  /**
   * The simulator again with each SKU priced at what the platform charged for it: what is left of
   * the payout difference once price is taken out (0 when the engines judged the same orders late
   * and the same buyers complained)
   */
  diffAtLivePrices: EngineDiff
  tolerance: typeof TWIN_TOLERANCE
  agrees: boolean
}

/**
 * True when the oversold orders agree within `tol.oversold`, the late counts within `tol.late` (or one order), the payouts at the platform's
 * prices within `tol.payouts` (or `oneOrderFen`, the largest single payout), and the raw payout
 * difference is no more than the price gap.
 */
export function twinAgrees(
  r: {
    diff: EngineDiff
    diffAtLivePrices: EngineDiff
    priceGapFen: number
    oneOrderFen: number
    oversold?: { sim: number; live: number }
  },
  tol: { late: number; payouts: number; oversold?: number } = TWIN_TOLERANCE,
): boolean {
  const oversoldOk =
    r.oversold === undefined || Math.abs(r.oversold.sim - r.oversold.live) <= (tol.oversold ?? 0)
  const lateOk = Object.values(r.diff.late).every((x) => Math.abs(x.delta) <= 1 || x.rel <= tol.late)
  const pricedOk = Object.values(r.diffAtLivePrices.payouts).every(
    (x) => Math.abs(x.deltaFen) <= r.oneOrderFen || x.rel <= tol.payouts,
  )
  return oversoldOk && lateOk && pricedOk && Math.abs(r.diff.payouts.total.deltaFen) <= r.priceGapFen
}

/** Runs one world slice and profile through both engines and diffs them. */
export async function runTwin(o: TwinOptions): Promise<TwinReport> {
  const slice = await worldSlice({
    world: o.world,
    merchantId: o.merchantId,
    from: o.from,
    to: o.to,
    kind: o.kind ?? 'spot',
    ...(o.maxUnits !== undefined ? { maxUnits: o.maxUnits } : {}),
  })
  const calendar = o.calendar ?? '2020'
  const scenario = profileToScenario(o.profile, slice, {
    calendar,
    horizonDays: o.horizonDays ?? 7,
    complainRate: o.complainRate ?? 0.67,
  })
  const orderedAt = sliceOrderedAt(slice)
  const sim = simulate(scenario, { arrivals: sliceArrivals(slice, scenario), orderedAt })
  const live = await liveRun(o.profile, slice, scenario, {
    world: o.world,
    calendar,
    seed: scenario.seed,
    complainRate: scenario.buyers.complainRate,
    horizonDays: scenario.horizonDays,
    ...(o.spoolDir ? { spoolDir: o.spoolDir } : {}),
    ...(o.runId ? { runId: o.runId } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  })
  const diff = diffResults(sim, live)
  const repriced: Scenario = {
    ...scenario,
    skus: scenario.skus.map((k) => {
      const fen = live.paidFenBySku[k.id]
      return fen !== undefined && fen > 0 ? { ...k, priceYuan: fen / 100 } : k
    }),
  }
  const simAtLivePrices = simulate(repriced, { arrivals: sliceArrivals(slice, repriced), orderedAt })
  const diffAtLivePrices = diffResults(simAtLivePrices, live)
  const rs = rulesAt(slice.from, scenarioRules(calendar))
  const oneOrderFen = Math.max(
    0,
    ...repriced.skus.map(
      (k) => compensationFor(Math.round(k.priceYuan * 100), k.presale, false, rs).amountFen,
    ),
  )
  return {
    scenario,
    units: slice.units.length,
    refusedShip5: slice.refusedShip5,
    refusedRegistration: slice.refusedRegistration,
    sim,
    live,
    diff,
    diffAtLivePrices,
    tolerance: TWIN_TOLERANCE,
    agrees: twinAgrees({
      diff,
      diffAtLivePrices,
      priceGapFen: live.priceGapFen,
      oneOrderFen,
      oversold: { sim: sim.orders.oversold, live: live.oversold },
    }),
  }
}
