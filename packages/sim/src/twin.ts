import { dailyCapacity, shiftIntervals, shiftSegments } from '@d11/merchant-model/capacity'
import type { Profile } from '@d11/merchant-model/profile'
import { stockPolicyFromLegacy } from '@d11/order-flow/stock-policy'
import { toShanghaiIso as iso } from '@d11/time/shanghai'
import type { Arrivals } from './arrivals.ts'
import type { CellResult } from './engine.ts'
import { SimError } from './errors.ts'
import type { Scenario } from './scenario.ts'
import { validateScenario } from './scenario.ts'

/**
 * "One scenario, two engines": the same world slice and merchant profile through the simulator and
 * through a live compressed run (platform + reference merchant, `@d11/merchant/serve`).
 *
 * A slice is one merchant's spot (or presale, by final payment) order lines paid inside a window, one unit per entry (both engines
 * see the same units: the live driver places each unit as its own quantity-1 order, so one pick and
 * one compensation per unit on both sides, as in the simulator). Units whose SKU is not sold to the
 * buyer's region are left out of both (SHIP-5: the platform refuses them; the simulator has no regions).
 */

export interface SliceUnit {
  /** world order id */
  orderId: string
  buyerId: string
  region: string
  skuId: string
  /** payment instant (epoch ms): a presale's final payment */
  paidAt: number
  /** order instant (epoch ms): a presale's deposit order, where its ship hours count from (SHIP-1) */
  orderedAt: number
  /** unit price the world recorded for the line (fen) */
  unitPriceFen: number
  /** units of the order (a stored live run's order; a world slice places one unit each) @default 1 */
  quantity?: number
}

export interface SliceOptions {
  world: string
  merchantId: string
  /** ISO with offset; units paid in [from, to) */
  from: string
  to: string
  /** at most this many units (the earliest) @default no limit */
  maxUnits?: number
  /** which orders: spot ones paid in the window, or presale ones whose final payment is @default 'spot' */
  kind?: SliceKind
}

export type SliceKind = 'spot' | 'presale'

export interface WorldSku {
  id: string
  stock: number
  listPriceFen: number
  contractShipHours: number | null
  presale: boolean
}

export interface Slice {
  kind: SliceKind
  merchantId: string
  from: number
  to: number
  units: SliceUnit[]
  skus: WorldSku[]
  /** units left out because the SKU is not sold to the buyer's region (SHIP-5: the platform refuses them) */
  refusedShip5: number
  /**
   * presale units left out because their SKU has no registration for the wave's presale node that
   * the world expects to stand (the platform refuses unregistered presale lines; the simulator has
   * no registrations)
   */
  refusedRegistration: number
}

/**
 * The merchant's order lines of one kind paid inside [from, to) (a presale by its final payment),
 * one entry per unit, sorted by payment time (the world's order kept for equal instants).
 */
export async function worldSlice(o: SliceOptions): Promise<Slice> {
  const from = Date.parse(o.from)
  const to = Date.parse(o.to)
  if (!Number.isFinite(from))
    throw new SimError('SIM_ERR_SCENARIO', `--from: not an ISO instant: "${o.from}"`)
  if (!Number.isFinite(to) || to <= from)
    throw new SimError('SIM_ERR_SCENARIO', `--to: must be an ISO instant after --from, got "${o.to}"`)
  const kind = o.kind ?? 'spot'
  const { readWorld } = await import('@d11/generator/read-world')
  const units: SliceUnit[] = []
  const skus: WorldSku[] = []
  const restricted = new Map<string, string[]>()
  let refusedShip5 = 0
  let refusedRegistration = 0
  /** `sku node` of the registrations the world expects to stand */
  const registered = new Set<string>()
  try {
    if (kind === 'presale')
      for await (const g of readWorld(o.world, 'registrations'))
        if (g.merchantId === o.merchantId && g.expectedRejection === null)
          registered.add(`${g.skuId} ${g.node}`)
    for await (const k of readWorld(o.world, 'skus')) {
      if (k.merchantId !== o.merchantId) continue
      restricted.set(k.id, k.restrictedRegions)
      skus.push({
        id: k.id,
        stock: k.stock,
        listPriceFen: k.listPriceFen,
        contractShipHours: k.contractShipHours ?? null,
        presale: k.presale,
      })
    }
    for await (const r of readWorld(o.world, 'orders')) {
      if (r.kind !== kind || r.paidAt === null) continue
      const paid = Date.parse(r.paidAt)
      if (!(paid >= from && paid < to)) continue
      for (const it of r.items) {
        if (it.merchantId !== o.merchantId) continue
        if (restricted.get(it.skuId)?.includes(r.region)) {
          refusedShip5 += it.quantity
          continue
        }
        if (kind === 'presale' && !registered.has(`${it.skuId} wave${r.wave}Presale`)) {
          refusedRegistration += it.quantity
          continue
        }
        for (let q = 0; q < it.quantity; q++) {
          units.push({
            orderId: r.id,
            buyerId: r.buyerId,
            region: r.region,
            skuId: it.skuId,
            paidAt: paid,
            // the live driver places a spot order at its payment, a presale at the world's order
            orderedAt: kind === 'presale' ? Date.parse(r.createdAt) : paid,
            unitPriceFen: it.unitPriceFen,
          })
        }
      }
    }
  } catch (err) {
    throw new SimError('SIM_ERR_SCENARIO', `--world: cannot read "${o.world}": ${(err as Error).message}`)
  }
  if (skus.length === 0)
    throw new SimError('SIM_ERR_SCENARIO', `--merchant: no SKU of "${o.merchantId}" in ${o.world}`)
  // stable sort by payment time
  const sorted = units.map((u, i) => [u, i] as const).sort((a, b) => a[0].paidAt - b[0].paidAt || a[1] - b[1])
  const limited = sorted.map(([u]) => u).slice(0, o.maxUnits ?? Number.POSITIVE_INFINITY)
  return { kind, merchantId: o.merchantId, from, to, units: limited, skus, refusedShip5, refusedRegistration }
}

export interface TwinSettings {
  /** `@d11/rules` calendar @default '2020' */
  calendar?: string
  /** days after the window that both engines run, for deadlines and complaints to settle @default 7 */
  horizonDays?: number
  /** share of late buyers who complain (PAY-2 window: only upheld complaints pay) @default 0.67 */
  complainRate?: number
  /** seed of the buyers' draws, shared by both engines @default the profile's seed */
  seed?: number
}

/** `HH:MM` of a minute of the day (1440 is `24:00`). */
function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`
}

/** Profile shifts as same-day spans (the simulator needs `from < to`), split at midnight, in day order. */
function sameDaySpans<T extends { from: string; to: string }>(shifts: readonly T[]): T[] {
  const spans: Array<[number, T]> = []
  for (const s of shifts)
    for (const [a, b] of shiftIntervals(s)) spans.push([a, { ...s, from: hhmm(a), to: hhmm(b) }])
  return spans.sort((x, y) => x[0] - y[0]).map(([, s]) => s)
}

/**
 * The merchant profile as a simulator scenario over a world slice — the one mapping between the two
 * engines' parameters:
 *
 * - **Stock** (`stock.reservation`, what the platform enforces end to end, `platformConfigFor`):
 *   `strict` → `oversell.policy: strict`, buffer 0 (the profile's `safetyStockShare` and sync lag act
 *   only inside the merchant's own model, the platform sells physical stock); `buffered` → `strict`
 *   with `oversellShare = bufferShare` (@d11/order-flow's one vocabulary: both engines sell that share
 *   beyond physical stock and mark those orders oversold); `lagging` → `lagging` on the merchant's
 *   publication schedule: `syncEverySeconds` = `syncEveryMinutes`, `syncLagSeconds` =
 *   `syncLagMinutes` (every publication resets the platform's sellable figure to stock less the
 *   sales the stale view knows; the live merchant publishes on the same clock grid). Under
 *   `lagging` the platform ignores oversellShare and the merchant publishes stock less
 *   `safetyStockShare`: that is the simulator's (negative) `oversellShare` here.
 * - **Warehouse**: `picksPerHour` and the shifts with their own `picksPerHour`, split at midnight
 *   (the simulator's working time weighs each shift minute by its rate); `carrierWaves` →
 *   `pickupWaves`.
 * - **Complaint desk**: the simulator's desk works 24 h, so `afterSale.complaintsPerHour` is spread
 *   over the day keeping the daily capacity (rate × staffed hours / 24). Every late complaint is
 *   upheld either way (the merchant disputes, the platform judges the facts; unhandled ones are
 *   upheld at the PAY-5 deadline), so this moves PAY-5 verdicts, not payouts.
 * - **Buyers**: `complainRate` from the settings, `refundRate` 0, `upheldRate` 1 (the facts decide).
 * - **SKUs**: world stock and contract ship hours (SHIP-1 counts them from the order, as the platform
 *   does for any order of such a SKU); the presale flag (PAY-4's presale amount in 2024) as the world
 *   has it in a presale slice, off in a spot slice (the platform pays by the order's kind); price = the mean unit price the world's order lines
 *   recorded for the SKU inside the slice (list price when the slice has none).
 */
export function profileToScenario(profile: Profile, slice: Slice, settings: TwinSettings = {}): Scenario {
  const st = profile.stock
  const stockPolicy = stockPolicyFromLegacy({ policy: st.reservation, oversellBuffer: st.bufferShare })
  const policy = stockPolicy.reservation
  const price = new Map<string, { sum: number; n: number }>()
  for (const u of slice.units) {
    const p = price.get(u.skuId) ?? { sum: 0, n: 0 }
    p.sum += u.unitPriceFen
    p.n += 1
    price.set(u.skuId, p)
  }
  // the same daily capacity as the merchant's desk (its shifts at its rate), spread over 24 h
  const deskPerDay = dailyCapacity(
    shiftSegments(profile.afterSale.shifts.map((s) => ({ ...s, rate: profile.afterSale.complaintsPerHour }))),
  )
  return validateScenario(
    {
      name: `twin-${profile.name}-${slice.merchantId}`,
      description: `profile ${profile.name} over ${slice.units.length} units of ${slice.merchantId}`,
      seed: settings.seed ?? profile.seed,
      calendar: settings.calendar ?? '2020',
      merchantId: slice.merchantId,
      window: { from: iso(slice.from), to: iso(slice.to) },
      arrivals: { orders: slice.units.length, shape: 'flat' },
      skus: slice.skus.map((k) => {
        const p = price.get(k.id)
        return {
          id: k.id,
          priceYuan: (p ? Math.round(p.sum / p.n) : k.listPriceFen) / 100 || 0.01,
          stock: k.stock,
          share: 1,
          presale: slice.kind === 'presale' && k.presale,
          presaleShipHours: k.contractShipHours ?? 0,
        }
      }),
      oversell:
        policy === 'lagging'
          ? {
              policy,
              oversellShare: 0 - st.safetyStockShare,
              syncLagSeconds: st.syncLagMinutes * 60,
              syncEverySeconds: st.syncEveryMinutes * 60,
            }
          : { policy, oversellShare: stockPolicy.oversellShare, syncLagSeconds: 0 },
      warehouse: {
        picksPerHour: profile.warehouse.picksPerHour,
        shifts: sameDaySpans(
          profile.warehouse.shifts.map((sh) => ({
            from: sh.from,
            to: sh.to,
            ...(sh.picksPerHour !== undefined ? { picksPerHour: sh.picksPerHour } : {}),
          })),
        ),
        pickupWaves: profile.warehouse.carrierWaves,
      },
      service: { complaintsPerHour: deskPerDay / 24 },
      buyers: { complainRate: settings.complainRate ?? 0.67, refundRate: 0, upheldRate: 1 },
      horizonDays: settings.horizonDays ?? 7,
    },
    `profile ${profile.name}`,
  )
}

/** The slice as simulator arrivals (same units, same order, so order index i is the same unit live). */
export function sliceArrivals(slice: Slice, scenario: Scenario): Arrivals {
  const idx = new Map(scenario.skus.map((k, i) => [k.id, i]))
  const times = new Float64Array(slice.units.length)
  const sku = new Uint16Array(slice.units.length)
  const units = slice.units.some((u) => (u.quantity ?? 1) !== 1)
    ? Uint16Array.from(slice.units, (u) => u.quantity ?? 1)
    : undefined
  slice.units.forEach((u, i) => {
    times[i] = u.paidAt
    sku[i] = idx.get(u.skuId) ?? 0
  })
  return units ? { times, sku, units } : { times, sku }
}

/** Each unit's order instant, for the simulator's SHIP-1 (`SimulateOptions.orderedAt`). */
export function sliceOrderedAt(slice: Slice): (orderIndex: number) => number {
  return (i) => slice.units[i]!.orderedAt
}

export type TwinTotals = Pick<CellResult, 'late' | 'payouts'>

/**
 * Tolerances of the comparison (`twinAgrees`):
 *
 * - **Late-shipment counts: 2 %, or one order**, per cause. Both engines see the same units in the
 *   same order, the same FIFO picker over the same shift arithmetic and the same carrier waves, and
 *   the driver stops at every wave and lets the merchant's pickups land before the clock moves on,
 *   so what is left is the picker's rounding (the merchant rounds each pick up to the millisecond,
 *   the simulator works in fractional working minutes) and a deadline falling in the instant between
 *   a wave and the merchant's call: each can flip an order sitting exactly on its deadline.
 * - **Payouts at the platform's prices: 2 %, or one order's payout**, per cause. The payouts follow
 *   the late orders and the buyers' complaint draws, which are shared (common random numbers), so
 *   with each SKU priced at what the platform charged the only slack is the late-count slack above.
 * - **Raw payouts: within the live run's `priceGapFen`** (Σ |live payout − the simulator's payout
 *   for that SKU|). The simulator prices a SKU at the unit price the world recorded for the slice;
 *   the platform charges its own price in force (the registered campaign price only where the
 *   registration survives its re-judging, REG-3 rejects many tiny-world registrations, else the
 *   daily price) less the cross-store coupon share (PRICE-3/4); PAY-1 pays 30 % of that, clamped
 *   5..500 yuan. No fixed relative bound holds here: measured 0 % to 27 % on tiny slices, all of it
 *   price (a handful of payouts on a SKU whose registration the platform refused).
 * - **Oversold orders: exact** (`oversold: 0`). Both engines apply @d11/order-flow's stock policy to
 *   the same units in the same order against the world's stock, so the orders sold beyond stock are
 *   the same ones (the `oversell` slice: `lagging`, the merchant publishing a 30-min-stale view
 *   every 5 min on the clock grid; the driver stops at each publication and lets it land).
 */
export const TWIN_TOLERANCE = { late: 0.02, payouts: 0.02, oversold: 0 } as const
