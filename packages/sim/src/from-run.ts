import { clockMinutes, warehouseShifts, workingTime } from '@d11/merchant-model/capacity'
import type { Profile } from '@d11/merchant-model/profile'
import { compensationFor, type PayoutCause } from '@d11/order-flow/payout-amounts'
import { rulesAt } from '@d11/order-flow/rules-context'
import type { RunOrder, RunSku } from '@d11/store/from-run'
import { DAY_MS, HOUR_MS, MINUTE_MS, shanghaiTimeOfDay } from '@d11/time/shanghai'
import { type CauseTotals, type CellResult, orderDraw, scenarioRules, simulate } from './engine.ts'
import { SimError } from './errors.ts'
import { type GridValue, type Scenario, setPath, validateScenario } from './scenario.ts'
import { profileToScenario, type Slice, sliceArrivals, sliceOrderedAt, TWIN_TOLERANCE } from './twin.ts'

/**
 * `d11 whatif --from-run`: the simulator over what a stored live run actually did. One scenario per
 * merchant — the twin's profile mapping (`profileToScenario`) over the orders the run accepted,
 * the warehouse rate the run showed where it fell short of the profile, and the run's own buyers
 * (who complained is the run's draw, not the simulator's) — summed over the merchants into a cell.
 */

/** One merchant of the run, as the simulator needs it. */
export interface RunMerchant {
  merchantId: string
  profile: Profile
  /** the run's paid orders of this merchant, by payment time */
  orders: RunOrder[]
  skus: RunSku[]
  /** the run's carrier pickups of this merchant (simulated epoch ms) */
  pickups: number[]
  /**
   * orders of this merchant the run judged late (SHIP-1). A rate measured on a merchant with none
   * did not bind: its pickups lag the compressed settle clock (wall time), not its shifts.
   */
  lateInRun: number
}

export interface RunSetup {
  seed: number
  calendar: string
  /** simulated hours the run settled after its load */
  settleHours: number
  /** whether the run's buyer of this order complains when it is late (the run's seeded draw) */
  complained: (orderId: string) => boolean
  /**
   * When the buyers chased (simulated epoch ms): only orders whose pickup deadline had passed by
   * then were complained about, in the run and so in every cell.
   */
  chaseAt: number
}

/**
 * The run's paid orders of one merchant as a twin slice: one entry per order with its units (the
 * merchant picks and the platform compensates per order; PAY-3 counts units against stock, as the
 * platform did), priced at what the buyer paid.
 */
export function runSlice(m: Pick<RunMerchant, 'merchantId' | 'orders' | 'skus'>): Slice {
  if (m.orders.length === 0)
    throw new SimError('SIM_ERR_SCENARIO', `--from-run: merchant ${m.merchantId} has no paid order`)
  const from = Math.min(...m.orders.map((o) => o.paidAt))
  const to = Math.max(...m.orders.map((o) => o.paidAt)) + 1
  return {
    kind: 'spot',
    merchantId: m.merchantId,
    from,
    to,
    units: m.orders.map((o) => ({
      orderId: o.orderId,
      buyerId: o.buyerId,
      region: '',
      skuId: o.skuId,
      paidAt: o.paidAt,
      orderedAt: o.orderedAt,
      unitPriceFen: o.paidFen,
      quantity: o.quantity,
    })),
    skus: m.skus.map((k) => ({
      id: k.skuId,
      stock: k.stock,
      listPriceFen: k.listPriceFen,
      contractShipHours: k.contractShipHours,
      presale: k.presale,
    })),
    refusedShip5: 0,
    refusedRegistration: 0,
  }
}

export interface ObservedCapacity {
  /** the profile's picks per hour (its main rate) */
  profilePerHour: number
  /** picks per working hour the run showed while a backlog waited, or null when none waited */
  observedPerHour: number | null
  /** what the simulator's warehouse rates are multiplied by (1 = the profile's) */
  factor: number
  used: 'profile' | 'observed'
  /** a lower rate was measured but the merchant missed no pickup in the run, so it did not bind */
  unbound?: boolean
}

/** The run's capacity counts only when it is this much below the profile's (pick rounding is noise). */
const OBSERVED_BELOW = 0.98

/** The latest carrier wave instant at or before `t`. */
function waveAtOrBefore(t: number, waves: readonly string[]): number {
  const dayStart = t - shanghaiTimeOfDay(t)
  let best = Number.NEGATIVE_INFINITY
  for (const hhmm of waves) {
    const at = dayStart + clockMinutes(hhmm) * MINUTE_MS
    best = Math.max(best, at <= t ? at : at - DAY_MS)
  }
  return best
}

/**
 * Picks per working hour the run showed: parcels ship at carrier waves, so a wave's pickups are the
 * picks done since the previous wave; when a stretch began with at least that many orders waiting
 * and left some behind, the picker was busy all of it and its pickups measure the rate. Compared with the profile's capacity
 * over the same stretches; the lower one (by more than 2 %) is what the simulator uses.
 */
export function observedCapacity(
  profile: Profile,
  paidAt: readonly number[],
  pickups: readonly number[],
): ObservedCapacity {
  const w = profile.warehouse
  const base = w.picksPerHour
  const none = { profilePerHour: base, observedPerHour: null, factor: 1, used: 'profile' } as const
  if (paidAt.length === 0 || pickups.length === 0 || w.carrierWaves.length === 0 || base <= 0) return none
  const byWave = new Map<number, number>()
  for (const t of pickups) {
    const wave = waveAtOrBefore(t, w.carrierWaves)
    byWave.set(wave, (byWave.get(wave) ?? 0) + 1)
  }
  const clock = workingTime(warehouseShifts(w), base)
  const paid = [...paidAt].sort((a, b) => a - b)
  const firstPaid = paid[0]!
  let shipped = 0
  let picked = 0
  let workedHours = 0
  let prev = Number.NEGATIVE_INFINITY
  for (const [wave, count] of [...byWave].sort((a, b) => a[0] - b[0])) {
    const start = Math.max(prev, firstPaid)
    const waitingAtStart = paid.filter((t) => t <= start).length - shipped
    shipped += count
    const waitingAfter = paid.filter((t) => t <= wave).length - shipped
    prev = wave
    // busy the whole stretch: it began with at least this wave's work waiting and left some behind
    if (waitingAtStart < count || waitingAfter <= 0 || wave <= start) continue
    picked += count
    workedHours += (clock.at(wave) - clock.at(start)) / 60
  }
  if (workedHours <= 0) return none
  const observed = picked / workedHours
  return observed < base * OBSERVED_BELOW
    ? { profilePerHour: base, observedPerHour: observed, factor: observed / base, used: 'observed' }
    : { profilePerHour: base, observedPerHour: observed, factor: 1, used: 'profile' }
}

/** The warehouse's rates (main and per shift) times `factor`. */
function scaleWarehouse(s: Scenario, factor: number): Scenario {
  if (factor === 1) return s
  return {
    ...s,
    warehouse: {
      ...s.warehouse,
      picksPerHour: s.warehouse.picksPerHour * factor,
      shifts: s.warehouse.shifts.map((sh) =>
        sh.picksPerHour === undefined ? sh : { ...sh, picksPerHour: sh.picksPerHour * factor },
      ),
    },
  }
}

/** A grid value `x1.5` multiplies the merchant's own value; anything else sets it. */
const TIMES = /^[x×](\d+(?:\.\d+)?)$/

/**
 * One merchant's scenario with a cell's parameters: `warehouse.picksPerHour=x1.5` scales its rates
 * (every shift's too), another `xN` scales that number, a plain value replaces it (`--grid` paths).
 */
export function applyCellParams(base: Scenario, params: Record<string, GridValue>): Scenario {
  let s = base
  for (const [path, value] of Object.entries(params)) {
    const times = typeof value === 'string' ? TIMES.exec(value) : null
    if (times && path === 'warehouse.picksPerHour') s = scaleWarehouse(s, Number(times[1]))
    else if (times) {
      const now = path
        .split(/\.|\[(\d+)\]/)
        .filter((k) => k !== undefined && k !== '')
        .reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], s)
      if (typeof now !== 'number')
        throw new SimError('SIM_ERR_GRID', `--grid ${path}=${value}: "${path}" is not a number to multiply`)
      s = setPath(s, path, now * Number(times[1]))
    } else s = setPath(s, path, value)
  }
  return validateScenario(
    s,
    `--grid ${Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join(';')}`,
  )
}

export interface MerchantModel {
  merchantId: string
  profileName: string
  scenario: Scenario
  slice: Slice
  capacity: ObservedCapacity
  /** paid fen per order index: what its PAY-1/3/4 amount is a share of */
  paidFen: Float64Array
  complained: Uint8Array
  /** see {@link RunSetup.chaseAt} */
  chaseAt: number
}

/** The merchant's baseline scenario: the profile over its run slice at the capacity the run showed. */
export function merchantModel(m: RunMerchant, setup: RunSetup): MerchantModel {
  const slice = runSlice(m)
  // oversold orders wait for stock, not for the picker: they would read as a slow warehouse, and
  // their late pickups are not the picker's (they never ship)
  const inStock = m.orders.filter((o) => !o.oversold)
  const measured = observedCapacity(
    m.profile,
    inStock.map((o) => o.paidAt),
    m.pickups,
  )
  const lateForThePicker = m.lateInRun - (m.orders.length - inStock.length)
  const capacity: ObservedCapacity =
    measured.used === 'observed' && lateForThePicker <= 0
      ? { ...measured, factor: 1, used: 'profile', unbound: true }
      : measured
  const scenario = scaleWarehouse(
    profileToScenario(m.profile, slice, {
      calendar: setup.calendar,
      seed: setup.seed,
      // the live settle runs this long after the load; the buyers' draw decides (see simulateRun)
      horizonDays: (Math.max(setup.settleHours, 1) * HOUR_MS) / DAY_MS,
      complainRate: 0.5,
    }),
    capacity.factor,
  )
  return {
    merchantId: m.merchantId,
    profileName: m.profile.name,
    scenario: { ...scenario, name: `from-run-${m.merchantId}` },
    slice,
    capacity,
    paidFen: Float64Array.from(m.orders, (o) => o.paidFen),
    complained: Uint8Array.from(m.orders, (o) => (setup.complained(o.orderId) ? 1 : 0)),
    chaseAt: setup.chaseAt,
  }
}

export interface PayoutLine {
  cause: PayoutCause
  ruleId: string
  count: number
  amountFen: number
}

export interface RunCellResult {
  /** summed over the merchants, payouts at each order's own paid price */
  result: CellResult
  /** payouts by cause and rule */
  payouts: PayoutLine[]
}

const emptyCause = () => ({ count: 0, amountFen: 0 })

/**
 * One cell over every merchant: each merchant's scenario with `params`, its run orders as the
 * arrivals, the run's buyers as the complaint draws (salt 1: below `complainRate` exactly when the
 * run's buyer complained). PAY-1/3/4 amounts are recomputed per order from what its buyer paid (the
 * engine prices per SKU) with the rules in force at the payout, by the function the platform uses.
 */
export function simulateRun(
  models: readonly MerchantModel[],
  params: Record<string, GridValue> = {},
): RunCellResult {
  const lines = new Map<string, PayoutLine>()
  let total: CellResult | undefined
  for (const m of models) {
    const s = applyCellParams(m.scenario, params)
    const rules = scenarioRules(s.calendar)
    const presale = new Map(s.skus.map((k) => [k.id, k.presale]))
    const cause = { late_shipment: emptyCause(), oversell: emptyCause() }
    const r = simulate(s, {
      arrivals: sliceArrivals(m.slice, s),
      orderedAt: sliceOrderedAt(m.slice),
      // salt 1 is drawn at the deadline: a buyer chases only a deadline passed by the chase
      draw: (i, salt, at) =>
        salt === 1
          ? m.complained[i] && at <= m.chaseAt
            ? 0
            : 1 - 2 ** -32
          : orderDraw(s.seed >>> 0, i, salt),
      evidence: 'summary',
      sink: {
        payout(p) {
          const fen = compensationFor(
            m.paidFen[p.orderIndex]!,
            presale.get(p.sku) ?? false,
            p.cause === 'oversell',
            rulesAt(p.simTime, rules),
          ).amountFen
          const key = `${p.cause} ${p.ruleId}`
          const line = lines.get(key) ?? { cause: p.cause, ruleId: p.ruleId, count: 0, amountFen: 0 }
          line.count++
          line.amountFen += fen
          lines.set(key, line)
          const c = cause[p.cause as 'late_shipment' | 'oversell']
          if (c) {
            c.count++
            c.amountFen += fen
          }
        },
        verdict() {},
        event() {},
      },
    })
    const repriced: CellResult = {
      ...r,
      payouts: {
        ...r.payouts,
        late_shipment: cause.late_shipment,
        oversell: cause.oversell,
        totalFen:
          cause.late_shipment.amountFen + cause.oversell.amountFen + r.payouts.price_protection.amountFen,
      },
    }
    total = total ? addResults(total, repriced) : repriced
  }
  if (!total) throw new SimError('SIM_ERR_SCENARIO', '--from-run: the run has no merchant with paid orders')
  return {
    result: total,
    payouts: [...lines.values()].sort(
      (a, b) => a.cause.localeCompare(b.cause) || a.ruleId.localeCompare(b.ruleId),
    ),
  }
}

/** Counts and amounts added; rates recomputed from the sums, the span widened. */
function addResults(a: CellResult, b: CellResult): CellResult {
  const sum = <T extends Record<string, number>>(x: T, y: T) =>
    Object.fromEntries(Object.keys(x).map((k) => [k, (x[k] ?? 0) + (y[k] ?? 0)])) as T
  const orders = sum(a.orders, b.orders)
  const shipped = a.orders.shipped + b.orders.shipped
  orders.meanLeadHours =
    shipped > 0
      ? (a.orders.meanLeadHours * a.orders.shipped + b.orders.meanLeadHours * b.orders.shipped) / shipped
      : 0
  const complaints = sum(a.complaints, b.complaints)
  return {
    seed: a.seed,
    orders,
    late: sum(a.late, b.late),
    complaints,
    payouts: {
      late_shipment: addCause(a.payouts.late_shipment, b.payouts.late_shipment),
      oversell: addCause(a.payouts.oversell, b.payouts.oversell),
      price_protection: addCause(a.payouts.price_protection, b.payouts.price_protection),
      totalFen: a.payouts.totalFen + b.payouts.totalFen,
    },
    sla: {
      pickup48hRate: orders.due > 0 ? orders.onTime / orders.due : 1,
      complaint48hRate: complaints.filed > 0 ? complaints.handledInTime / complaints.filed : 1,
    },
    massDelay: {
      warnedAt: minOrNull(a.massDelay.warnedAt, b.massDelay.warnedAt),
      removedAt: minOrNull(a.massDelay.removedAt, b.massDelay.removedAt),
    },
    span: { from: Math.min(a.span.from, b.span.from), to: Math.max(a.span.to, b.span.to) },
    events: a.events + b.events,
  }
}

function addCause(a: CauseTotals, b: CauseTotals): CauseTotals {
  return { count: a.count + b.count, amountFen: a.amountFen + b.amountFen }
}

function minOrNull(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b)
}

/** One figure of the baseline comparison: the live run's value beside the simulator's. */
export interface BaselineCheck {
  figure: string
  live: number
  sim: number
  /** fen for money figures, orders otherwise */
  unit: 'orders' | 'fen'
  ok: boolean
  tolerance: string
}

export interface LiveRunFigures {
  late: number
  oversold: number
  payouts: Array<{ cause: string; ruleId: string; count: number; amountFen: number }>
}

/**
 * The simulator's baseline against the live run with the twin's tolerance: late pickups within
 * 2 % or one order; payouts of each cause and rule within 2 % or one payout (the largest mean payout
 * of a cause and rule on either side);
 * oversold orders exact.
 */
export function compareBaseline(live: LiveRunFigures, sim: RunCellResult): BaselineCheck[] {
  const checks: BaselineCheck[] = []
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1)
  const late = sim.result.late.total
  checks.push({
    figure: 'late pickups (SHIP-1)',
    live: live.late,
    sim: late,
    unit: 'orders',
    ok: Math.abs(late - live.late) <= 1 || rel(late, live.late) <= TWIN_TOLERANCE.late,
    tolerance: `${TWIN_TOLERANCE.late * 100} % or 1 order`,
  })
  checks.push({
    figure: 'oversold orders (PAY-3 risk)',
    live: live.oversold,
    sim: sim.result.orders.oversold,
    unit: 'orders',
    ok: Math.abs(sim.result.orders.oversold - live.oversold) <= TWIN_TOLERANCE.oversold,
    tolerance: 'exact',
  })
  const keys = new Set([...live.payouts, ...sim.payouts].map((p) => `${p.cause} ${p.ruleId}`))
  // one order's payout: the largest mean payout of a cause and rule on either side
  const oneOrderFen = Math.max(
    0,
    ...[...live.payouts, ...sim.payouts].map((p) => (p.count > 0 ? p.amountFen / p.count : 0)),
  )
  for (const key of [...keys].sort()) {
    const l = live.payouts.find((p) => `${p.cause} ${p.ruleId}` === key)?.amountFen ?? 0
    const s = sim.payouts.find((p) => `${p.cause} ${p.ruleId}` === key)?.amountFen ?? 0
    const [cause, ruleId] = key.split(' ')
    checks.push({
      figure: `payouts ${cause} (${ruleId})`,
      live: l,
      sim: s,
      unit: 'fen',
      ok: Math.abs(l - s) <= oneOrderFen || rel(l, s) <= TWIN_TOLERANCE.payouts,
      tolerance: `${TWIN_TOLERANCE.payouts * 100} % or one payout`,
    })
  }
  return checks
}

/**
 * The default grid around the run: every SKU offered up to its stock, or 5 % of it held back as an
 * oversell buffer (a lagging merchant publishes 95 % of what it has); the warehouse as it was, half
 * as fast again, or twice as fast.
 */
export const DEFAULT_FROM_RUN_GRID: ReadonlyArray<{ path: string; values: GridValue[] }> = [
  { path: 'oversell.oversellShare', values: [0, -0.05] },
  { path: 'warehouse.picksPerHour', values: ['x1', 'x1.5', 'x2'] },
]
