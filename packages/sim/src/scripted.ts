import { APPEAL_REFUSED, appeal, priceProtection } from '@d11/order-flow/after-sale'
import { newDecision } from '@d11/order-flow/decision'
import { toShanghaiIso } from '@d11/time/shanghai'
import { type AgreedShipTime, scenarioRules, simulate } from './engine.ts'
import { SimError } from './errors.ts'
import { type Scenario, validateScenario } from './scenario.ts'

/**
 * Scripted order histories through the simulator: arrivals, pickups, complaints and agreed ship
 * times are given instead of drawn, so the same history can be run through the live platform and
 * the rows compared (the conformance suite). What the engine does not model — the merchant's
 * appeals of complaint decisions and buyers' price-protection claims — is judged here from the
 * engine's own evidence by the same `@d11/order-flow` functions the platform calls.
 */

export interface ScriptedSku {
  id: string
  /** price actually paid per order (the to-hand amount), fen */
  paidFen: number
  stock: number
  presale?: boolean
  /** presale/contract ship hours (SHIP-1) */
  shipHours?: number
}

export interface ScriptedOrder {
  sku: string
  /** payment instant (the final payment of a presale order), epoch ms */
  paidAt: number
  /** when a presale order was placed (deposit), inside its presale phase; SHIP-1's presale hours count from it */
  orderedAt?: number
  /** carrier pickup; undefined = never picked up */
  pickupAt?: number
  /** the buyer files a late-shipment complaint at this instant */
  complainAt?: number
  /** SHIP-3 negotiated ship time or SHIP-4 delay report */
  agreed?: AgreedShipTime
  /** the merchant appeals the complaint's decision at these instants (PAY-7) */
  appealAt?: number[]
  /** the buyer claims price protection (PRICE-5) seeing this to-hand unit price */
  priceClaim?: { at: number; currentUnitToHandFen: number }
}

export interface ScriptedHistory {
  name: string
  calendar: string
  skus: ScriptedSku[]
  /** signed share of stock sold beyond it (@d11/order-flow stock policy) @default 0 */
  oversellShare?: number
  /** the merchant handles complaints within PAY-5's deadline, or lets them escalate */
  desk: 'in-time' | 'escalate'
  orders: ScriptedOrder[]
  /** simulated days after the last payment @default 20 */
  horizonDays?: number
}

/** One row both engines must agree on. `order` is the history's order index (-1: the merchant). */
export interface ConformanceRow {
  order: number
  cause: string
  ruleId: string
  amountFen: number
}

/** The scenario a history runs as: every SKU its own stock, no draws for buyers, a desk in time or absent. */
export function scriptedScenario(h: ScriptedHistory): Scenario {
  const times = h.orders.map((o) => o.paidAt)
  const from = Math.min(...times)
  const to = Math.max(...times) + 1
  return validateScenario(
    {
      name: h.name,
      calendar: h.calendar,
      window: { from: toShanghaiIso(from), to: toShanghaiIso(to) },
      arrivals: { orders: h.orders.length, shape: 'flat' },
      skus: h.skus.map((k) => ({
        id: k.id,
        priceYuan: k.paidFen / 100,
        stock: k.stock,
        presale: k.presale ?? false,
        presaleShipHours: k.shipHours ?? 0,
      })),
      oversell: { policy: 'strict', oversellShare: h.oversellShare ?? 0 },
      warehouse: { picksPerHour: 1 },
      // in time: one complaint a second; escalate: nobody handles complaints
      service: { complaintsPerHour: h.desk === 'in-time' ? 3600 : 0 },
      buyers: { complainRate: 0, refundRate: 0, upheldRate: 1 },
      horizonDays: h.horizonDays ?? 20,
    },
    `history ${h.name}`,
  )
}

/** Runs a history through the simulator and returns its rows, sorted. */
export function runScripted(h: ScriptedHistory): ConformanceRow[] {
  const scenario = scriptedScenario(h)
  const skuIndex = new Map(h.skus.map((k, i) => [k.id, i]))
  // arrivals in payment order; the history's index is kept to name rows
  const order = h.orders.map((o, i) => ({ o, i })).sort((a, b) => a.o.paidAt - b.o.paidAt || a.i - b.i)
  const times = new Float64Array(order.length)
  const sku = new Uint16Array(order.length)
  order.forEach(({ o }, j) => {
    const k = skuIndex.get(o.sku)
    if (k === undefined) throw new SimError('SIM_ERR_SCENARIO', `history ${h.name}: unknown SKU ${o.sku}`)
    times[j] = o.paidAt
    sku[j] = k
  })
  const historyIndex = (j: number) => order[j]!.i
  const agreed = new Map<number, AgreedShipTime>()
  const complaints: Array<{ orderIndex: number; at: number }> = []
  order.forEach(({ o }, j) => {
    if (o.agreed) agreed.set(j, o.agreed)
    if (o.complainAt !== undefined) complaints.push({ orderIndex: j, at: o.complainAt })
  })
  const rows: ConformanceRow[] = []
  const upheldAt = new Map<number, number>()
  simulate(scenario, {
    arrivals: { times, sku },
    pickupAt: (j) => order[j]!.o.pickupAt ?? Number.POSITIVE_INFINITY,
    orderedAt: (j) => order[j]!.o.orderedAt ?? order[j]!.o.paidAt,
    draw: () => 0.5,
    agreed,
    complaints,
    sink: {
      payout(p) {
        rows.push({
          order: historyIndex(p.orderIndex),
          cause: p.cause,
          ruleId: p.ruleId,
          amountFen: p.amountFen,
        })
      },
      verdict() {},
      event(e) {
        const merchantLevel = e.kind.startsWith('mass_delay')
        if (e.kind === 'complaint_upheld') upheldAt.set(historyIndex(e.orderIndex), e.simTime)
        rows.push({
          order: merchantLevel ? -1 : historyIndex(e.orderIndex),
          cause: e.kind,
          ruleId: e.ruleId,
          amountFen: e.amountFen,
        })
      },
    },
    evidence: 'violations',
  })
  afterSale(h, upheldAt, rows)
  return sortRows(rows)
}

/** PAY-7 appeals of upheld complaints and PRICE-5 claims, judged with the ruleset in force at each. */
function afterSale(h: ScriptedHistory, upheldAt: Map<number, number>, rows: ConformanceRow[]): void {
  const rules = scenarioRules(h.calendar)
  const d = newDecision()
  h.orders.forEach((o, i) => {
    let appeals = 0
    for (const at of o.appealAt ?? []) {
      const decidedAt = upheldAt.get(i)
      if (decidedAt === undefined || at < decidedAt) continue // nothing upheld to appeal yet
      // the engine upholds only founded complaints, so an accepted appeal confirms the decision
      appeal({ decidedAt, previousAppeals: appeals, founded: true }, at, rules, d)
      rows.push({
        order: i,
        cause: d.code === APPEAL_REFUSED ? 'appeal_refused' : 'appeal_decided',
        ruleId: d.ruleId,
        amountFen: 0,
      })
      if (d.code !== APPEAL_REFUSED) appeals++
    }
    if (o.priceClaim) {
      const k = h.skus.find((x) => x.id === o.sku)!
      priceProtection(
        {
          paidUnitToHandFen: k.paidFen,
          paidAt: o.paidAt,
          currentUnitToHandFen: o.priceClaim.currentUnitToHandFen,
          quantity: 1,
        },
        o.priceClaim.at,
        rules,
        d,
      )
      rows.push({
        order: i,
        cause: d.ok ? 'price_protection' : 'price_protection_refused',
        ruleId: d.ruleId,
        amountFen: d.amountFen,
      })
    }
  })
}

export function sortRows(rows: ConformanceRow[]): ConformanceRow[] {
  const key = (r: ConformanceRow) =>
    `${String(r.order + 1).padStart(6, '0')}|${r.cause}|${r.ruleId}|${r.amountFen}`
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}
