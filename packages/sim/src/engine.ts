import { warehouseShifts, workingTime } from '@d11/merchant-model/capacity'
import {
  COMPLAINT_UPHELD_PAID,
  complaintDeadline,
  complaintEventRule,
  complaintFounded,
  complaintOutcome,
  massDelayLevel,
  merchantLiable as merchantLiableFor,
} from '@d11/order-flow/complaint'
import {
  autoCompensates,
  DELAY_REPORT_ACCEPTED,
  delayReport,
  negotiatedDeadline,
  pickupDeadlineAt,
} from '@d11/order-flow/deadline'
import { newDecision } from '@d11/order-flow/decision'
import { CAUSE_LATE, CAUSE_OVERSELL, PayoutAmounts, type PayoutCause } from '@d11/order-flow/payout-amounts'
import { rulesAt } from '@d11/order-flow/rules-context'
import {
  isOversold,
  lastPublicationAt,
  publishedUnits,
  sellableLimit,
  stockPolicyFromLegacy,
} from '@d11/order-flow/stock-policy'
import {
  DAY_MS as DAY,
  HOUR_MS as HOUR,
  MINUTE_MS as MINUTE,
  SHANGHAI_OFFSET_MS as SHANGHAI,
} from '@d11/time/shanghai'
import { buildArrivals } from './arrivals.ts'
import { EventHeap, IndexQueue } from './heap.ts'
import { minuteOfDay, type Scenario } from './scenario.ts'
import { scratchBytes, scratchDoubles, scratchInts } from './scratch.ts'
import {
  type AgreedShipTime,
  type CauseTotals,
  type CellResult,
  deriveSeed,
  type Evidence,
  type EvidenceSink,
  orderDraw,
  type SimulateOptions,
  scenarioRules,
} from './simulate-io.ts'

export type { PayoutCause }
export {
  type AgreedShipTime,
  type CauseTotals,
  type CellResult,
  deriveSeed,
  type Evidence,
  type EvidenceSink,
  orderDraw,
  type SimulateOptions,
  scenarioRules,
}

/**
 * The what-if engine: a virtual-time discrete-event simulation of one merchant's order flow.
 *
 * Orders live in struct-of-arrays (typed arrays indexed by order number); queues are rings of
 * order indices; the event heap holds process events only (next arrival batch, the per-minute
 * warehouse and customer-service ticks, carrier waves, restocks, the head of each deadline
 * queue), so the hot path allocates nothing per order.
 *
 * Every judgement is a decision of `@d11/order-flow` with the ruleset in force at the simulated
 * instant of the action (SHIP-1/3/4 deadlines, PAY-1/3/4 amounts, PAY-2 window, PAY-5 complaint
 * outcome, PAY-6 mass delay): the same functions the platform calls, so payouts mean what its mean.
 */

// event kinds (value = tie-break priority at equal times: lower first)
const EV_RESTOCK = 0
const EV_ARRIVAL = 1
const EV_DEADLINE = 2
const EV_DEADLINE_ONE = 3
const EV_COMPLAINT = 4
const EV_DECIDE = 5

// order flags
const F_ACCEPTED = 1
const F_OVERSOLD = 2
const F_RELEASED = 4
const F_LATE = 8
const F_CANCELLED = 16
const F_COMPENSATED = 32

export function simulate(scenario: Scenario, opts: SimulateOptions = {}): CellResult {
  const { sink } = opts
  const rules = opts.rules ?? scenarioRules(scenario.calendar)
  const draw = opts.draw ?? ((i: number, salt: number) => orderDraw(seed, i, salt))
  const decision = newDecision()
  const evidence: Evidence = sink ? (opts.evidence ?? 'violations') : 'summary'
  const seed = (opts.seed ?? scenario.seed) >>> 0
  const from = Date.parse(scenario.window.from)
  const to = Date.parse(scenario.window.to)
  const end = to + scenario.horizonDays * DAY

  // --- SKUs ---------------------------------------------------------------------------------
  const K = scenario.skus.length
  const skuIds = packedArray(K, (k) => scenario.skus[k]!.id)
  const physical = new Float64Array(K)
  const listed = new Float64Array(K)
  const acceptedCount = new Float64Array(K)
  const seen = new Float64Array(K)
  const priceFen = new Float64Array(K)
  const shipHours = new Float64Array(K)
  const policy = stockPolicyFromLegacy({
    policy: scenario.oversell.policy,
    holdBackPercent: scenario.oversell.buffer,
    oversellShare: scenario.oversell.oversellShare,
  })
  const lagMs = policy.reservation === 'strict' ? 0 : scenario.oversell.syncLagSeconds * 1000
  // lagging by publication: the platform's sellable figure per SKU since the merchant's last one
  const everyMs = policy.reservation === 'strict' ? 0 : scenario.oversell.syncEverySeconds * 1000
  const sellable = everyMs > 0 ? new Float64Array(K) : null
  let publishedAt = Number.NEGATIVE_INFINITY
  scenario.skus.forEach((k, i) => {
    physical[i] = k.stock
    listed[i] = sellableLimit(k.stock, policy.oversellShare)
    if (sellable) sellable[i] = listed[i]!
    priceFen[i] = Math.round(k.priceYuan * 100)
    shipHours[i] = k.presaleShipHours
  })
  // PAY-1/3/4 amounts per SKU, per ruleset version met (the version in force at each payout)
  const amounts = new PayoutAmounts(
    priceFen,
    packedArray(K, (k) => scenario.skus[k]!.presale),
  )

  // --- arrivals (sorted payment times + SKU per order) --------------------------------------
  const {
    times,
    sku,
    units: orderUnits,
  } = opts.arrivals ?? buildArrivals(scenario, deriveSeed(seed, 'arrivals'))
  const N = times.length
  const flags = scratchBytes(N)
  let backorderPos: Int32Array | null = null

  // --- queues and servers ---------------------------------------------------------------------
  // The warehouse is a FIFO server with a fixed pick time (1/picksPerHour of working time): an
  // order released at R is picked at W⁻¹(max(W(R), W(previous pick)) + s), W = working time so far.
  // Picks are planned at release, so a refunded order's slot is not reused. That keeps every
  // order's pick time non-increasing in capacity: more capacity never ships anything later.
  const shipAt = scratchDoubles(N, Number.POSITIVE_INFINITY)
  const work = workingTime(warehouseShifts(scenario.warehouse), scenario.warehouse.picksPerHour)
  const pickMinutes =
    scenario.warehouse.picksPerHour > 0 ? 60 / scenario.warehouse.picksPerHour : Number.POSITIVE_INFINITY
  let pickW = Number.NEGATIVE_INFINITY
  const pickupWaves = scenario.warehouse.pickupWaves
  const waves = packedArray(pickupWaves.length, (w) => minuteOfDay(pickupWaves[w]!)).sort((a, b) => a - b)
  const backorders = packedArray(K, () => new IndexQueue(16))
  // SHIP-1 deadlines: one FIFO per deadline class (SKUs sharing presaleShipHours), since orders
  // arrive in time order their deadlines come out in order; an order whose deadline would jump
  // the queue (a rules window boundary) gets its own heap event instead.
  const classHours = [...new Set(scenario.skus.map((k) => k.presaleShipHours))]
  const classOf = new Uint16Array(K)
  scenario.skus.forEach((k, i) => {
    classOf[i] = classHours.indexOf(k.presaleShipHours)
  })
  const deadlineQ = packedArray(classHours.length, () => new IndexQueue(1024))
  const lastDeadline = new Float64Array(classHours.length).fill(Number.NEGATIVE_INFINITY)
  // customer service: the same FIFO server over complaints, 24 h a day (PAY-5 judges its delay)
  const csMs =
    scenario.service.complaintsPerHour > 0
      ? HOUR / scenario.service.complaintsPerHour
      : Number.POSITIVE_INFINITY
  let csBusy = Number.NEGATIVE_INFINITY

  // future restock units per SKU (for the PAY-3 "can never ship" judgement)
  const restocks = packedArray(scenario.restock.length, (n) => {
    const r = scenario.restock[n]!
    return { at: Date.parse(r.at), units: r.units, k: r.sku === undefined ? 0 : skuIds.indexOf(r.sku) }
  }).sort((a, b) => a.at - b.at)
  const futureUnits = new Float64Array(K)
  for (const r of restocks) futureUnits[r.k]! += r.units

  // --- counters -------------------------------------------------------------------------------
  let accepted = 0
  let rejected = 0
  let oversold = 0
  let due = 0
  let onTime = 0
  let lateOversell = 0
  let lateCapacity = 0
  let refunded = 0
  let neverShipped = 0
  let filed = 0
  let handledInTime = 0
  let escalated = 0
  let upheld = 0
  /** PAY-5: escalated complaints upheld on the facts, the merchant's liability (PAY-6's poor service) */
  let merchantLiable = 0
  let lsCount = 0
  let lsFen = 0
  let osCount = 0
  let osFen = 0
  let warnedAt: number | null = null
  let removedAt: number | null = null
  let massLevel = 0
  let events = 0

  const complainRate = scenario.buyers.complainRate
  const refundEdge = complainRate + scenario.buyers.refundRate
  const foundedRate = scenario.buyers.upheldRate

  /** PAY-1/4 (CAUSE_LATE) or PAY-3 (CAUSE_OVERSELL) with the ruleset in force at `at`. */
  const pay = (i: number, k: number, cause: number, at: number) => {
    flags[i]! |= F_COMPENSATED
    const rs = rulesAt(at, rules)
    const fen = amounts.amountFen(k, cause, rs)
    if (cause === CAUSE_LATE) {
      lsCount++
      lsFen += fen
    } else {
      osCount++
      osFen += fen
    }
    sink?.payout({
      orderIndex: i,
      sku: skuIds[k]!,
      cause: cause === CAUSE_LATE ? 'late_shipment' : 'oversell',
      ruleId: amounts.ruleId(k, cause, rs),
      amountFen: fen,
      simTime: at,
    })
  }

  const release = (i: number, at: number) => {
    flags[i]! |= F_RELEASED
    const w = Math.max(work.at(at), pickW) + pickMinutes
    pickW = w
    const picked = work.inverse(w)
    const forced = opts.pickupAt ? opts.pickupAt(i) : Number.NaN
    shipAt[i] = !Number.isNaN(forced)
      ? Math.max(forced, at)
      : waves.length === 0
        ? picked
        : nextWave(picked, waves)
  }

  const heap = new EventHeap(64)
  // complaints waiting for their decision: order, handled in time, founded (-1: on the facts then)
  const pendingOrder: number[] = []
  const pendingInTime: boolean[] = []
  const pendingFounded: number[] = []
  const pendingFiledAt: number[] = []

  /**
   * PAY-5: the complaint is handled by the FIFO service desk; past the deadline the platform
   * intervenes. The decision is an event at that moment, judged on the facts as they stand then.
   * `drawnFounded` is the buyer's draw (1/0) or -1 for a scripted complaint judged on the facts.
   */
  const fileComplaint = (i: number, f: number, drawnFounded: number) => {
    filed++
    const handled = Math.max(f, csBusy) + csMs
    csBusy = handled
    const dl = complaintDeadline(f, rules)
    const inTime = handled <= dl
    // settled by the PAY-5 deadline at the latest
    const at = inTime ? handled : dl
    if (inTime) handledInTime++
    else escalated++
    if (evidence !== 'summary') {
      sink?.verdict({
        orderIndex: i,
        ruleId: 'PAY-5',
        metric: 'complaint_48h',
        ok: inTime,
        value: (handled - f) / HOUR,
        threshold: (dl - f) / HOUR,
        simTime: at,
      })
    }
    heap.push(at, EV_DECIDE, EV_DECIDE, pendingOrder.length)
    pendingOrder.push(i)
    pendingInTime.push(inTime)
    pendingFounded.push(drawnFounded)
    pendingFiledAt.push(f)
  }

  /** PAY-5's decision: upheld only if founded; an upheld complaint on an order never shipping is PAY-3. */
  const decideComplaint = (slot: number, at: number) => {
    const i = pendingOrder[slot]!
    const k = sku[i]!
    const f = flags[i]!
    const inTime = pendingInTime[slot]!
    const drawn = pendingFounded[slot]!
    const founded =
      drawn >= 0
        ? drawn === 1
        : complaintFounded({
            reason: 'late_shipment',
            late: (f & F_LATE) !== 0,
            unshippedPastDeadline: false,
          })
    // never ships: oversold and judged so at its deadline (no stock to come)
    const neverShips = (f & F_OVERSOLD) !== 0 && (f & F_CANCELLED) !== 0
    const d = complaintOutcome(
      {
        reason: 'late_shipment',
        filedAt: pendingFiledAt[slot]!,
        handledInTime: inTime,
        merchantAccepts: false,
        founded,
        neverShips,
        alreadyCompensated: (f & F_COMPENSATED) !== 0,
        paidFen: priceFen[k]!,
        presale: scenario.skus[k]!.presale,
      },
      at,
      rules,
      decision,
    )
    // the decision's event names PAY-2 inside the no-auto-compensation window, PAY-5 outside
    sink?.event({
      kind: d.ok ? 'complaint_upheld' : 'complaint_rejected',
      orderIndex: i,
      sku: skuIds[k]!,
      ruleId: complaintEventRule(at, rules),
      amountFen: d.amountFen,
      simTime: at,
    })
    if (!d.ok) return
    upheld++
    if (merchantLiableFor(inTime, true)) merchantLiable++
    if (d.code === COMPLAINT_UPHELD_PAID) pay(i, k, neverShips ? CAUSE_OVERSELL : CAUSE_LATE, at)
  }

  const judgeDeadline = (i: number, k: number, now: number) => {
    const f = flags[i]!
    if (f & F_CANCELLED) return
    due++
    if (shipAt[i]! <= now) {
      onTime++
      if (evidence === 'all') {
        sink?.verdict({
          orderIndex: i,
          ruleId: 'SHIP-1',
          metric: 'pickup_48h',
          ok: true,
          value: (shipAt[i]! - times[i]!) / HOUR,
          threshold: (now - times[i]!) / HOUR,
          simTime: now,
        })
      }
      return
    }
    flags[i] = f | F_LATE
    const overs = (f & F_OVERSOLD) !== 0
    if (overs) lateOversell++
    else lateCapacity++
    if (evidence !== 'summary') {
      sink?.verdict({
        orderIndex: i,
        ruleId: 'SHIP-1',
        metric: 'pickup_48h',
        ok: false,
        value: shipAt[i]! <= end ? (shipAt[i]! - times[i]!) / HOUR : -1,
        threshold: (now - times[i]!) / HOUR,
        simTime: now,
      })
    }
    // PAY-6: poor service = complaints that are the merchant's liability (the platform counts the same)
    const level = massDelayLevel(due, lateOversell + lateCapacity, merchantLiable, now, rules)
    if (level > massLevel) {
      if (level >= 1 && warnedAt === null) {
        warnedAt = now
        sink?.event({
          kind: 'mass_delay_warning',
          orderIndex: i,
          sku: skuIds[k]!,
          ruleId: 'PAY-6',
          amountFen: 0,
          simTime: now,
        })
      }
      if (level >= 2 && removedAt === null) {
        removedAt = now
        sink?.event({
          kind: 'mass_delay_removal',
          orderIndex: i,
          sku: skuIds[k]!,
          ruleId: 'PAY-6',
          amountFen: 0,
          simTime: now,
        })
      }
      massLevel = level
    }
    // PAY-3: an oversold order that no future restock can cover will never ship
    let never = false
    if (overs && !(f & F_RELEASED)) {
      const pos = backorderPos![i]! - backorders[k]!.shifted
      never = pos >= futureUnits[k]!
    }
    const u = draw(i, 1, now)
    // PAY-2: outside the no-auto-compensation window a passed deadline is paid at once
    const auto = autoCompensates(now, rules)
    if (never) {
      neverShipped++
      refunded++
      flags[i]! |= F_CANCELLED
      if (auto) pay(i, k, CAUSE_OVERSELL, now)
      else if (u < complainRate) fileComplaint(i, now, draw(i, 2, now) < foundedRate ? 1 : 0)
    } else if (auto) {
      pay(i, k, CAUSE_LATE, now)
    } else if (u < complainRate) {
      fileComplaint(i, now, draw(i, 2, now) < foundedRate ? 1 : 0)
    } else if (u < refundEdge) {
      // PAY-8: an unshipped order's refund is approved at once
      refunded++
      flags[i]! |= F_CANCELLED
      sink?.event({
        kind: 'instant_refund',
        orderIndex: i,
        sku: skuIds[k]!,
        ruleId: 'PAY-8',
        amountFen: priceFen[k]!,
        simTime: now,
      })
    }
  }

  /** SHIP-1 for order `i` of SKU `k` (@d11/order-flow, ruleset in force at payment). */
  const orderedAt = opts.orderedAt
  const deadlineOf = (i: number, k: number): number =>
    pickupDeadlineAt(times[i]!, orderedAt ? orderedAt(i) : times[i]!, shipHours[k]!, rules)

  /** SHIP-3 replaces the deadline; a SHIP-4 delay report does unless refused inside PAY-2's window. */
  const agreedDeadline = (
    i: number,
    k: number,
    paidAt: number,
    ag: AgreedShipTime,
    report = true,
  ): number => {
    if (ag.kind === 'negotiated') return negotiatedDeadline(paidAt, ag.shipBy, ag.at, rules).deadline
    const d = delayReport(ag.at, rules, decision)
    if (d.code === DELAY_REPORT_ACCEPTED) return ag.shipBy
    if (report)
      sink?.event({
        kind: 'delay_report_refused',
        orderIndex: i,
        sku: skuIds[k]!,
        ruleId: d.ruleId,
        amountFen: 0,
        simTime: ag.at,
      })
    return deadlineOf(i, k)
  }

  if (N > 0) heap.push(times[0]!, EV_ARRIVAL, EV_ARRIVAL, 0)
  const scripted = opts.complaints ?? []
  scripted.forEach((c, idx) => {
    heap.push(c.at, EV_COMPLAINT, EV_COMPLAINT, idx)
  })
  restocks.forEach((r, idx) => {
    heap.push(r.at, EV_RESTOCK, EV_RESTOCK, idx)
  })

  // The per-order loops live in their own functions, not in the event loop below: `simulate` then
  // runs a few dozen events per cell and is never optimised itself, so its ~600 lines are not
  // recompiled (6-60 ms a time, on every thread) each time a phase first met mid-run (oversold
  // orders, late deadlines, complaints, the final tally) or a fresh closure of a new call deopts it.
  let lagPtr = 0
  let next = 0 // next arrival

  /** EV_ARRIVAL: a batch, every arrival before the next other event. */
  const arrivalBatch = () => {
    const limit = heap.peekTime()
    const limitPrio = heap.peekPriority()
    // the per-order state in locals, not in simulate's context, for the loop (written back after)
    let i = next
    let acceptedHere = 0
    let rejectedHere = 0
    let oversoldHere = 0
    let known = lagPtr
    let published = publishedAt
    const agreed = opts.agreed
    // simulate's columns as locals: the loop reads registers, not the closure's context
    const timesL = times
    const skuL = sku
    const orderUnitsL = orderUnits
    const sellableL = sellable
    const listedL = listed
    const seenL = seen
    const acceptedCountL = acceptedCount
    const physicalL = physical
    const flagsL = flags
    const classOfL = classOf
    const lastDeadlineL = lastDeadline
    const deadlineQL = deadlineQ
    const backordersL = backorders
    for (; i < N; i++) {
      const t = timesL[i]!
      if (t > limit || (t === limit && limitPrio < EV_ARRIVAL)) break
      const k = skuL[i]!
      const q = orderUnitsL === undefined ? 1 : orderUnitsL[i]!
      if (sellableL !== null) {
        const at = lastPublicationAt(t, everyMs)
        if (at > published) {
          published = at
          known = countKnownSales(timesL, skuL, orderUnitsL, flagsL, seenL, known, i, at - lagMs)
          for (let j = 0; j < K; j++) sellableL[j] = publishedUnits(listedL[j]!, seenL[j]!)
        }
        if (sellableL[k]! < q) {
          rejectedHere++
          continue
        }
        sellableL[k]! -= q
      } else {
        if (lagMs === 0) seenL[k] = acceptedCountL[k]!
        else known = countKnownSales(timesL, skuL, orderUnitsL, flagsL, seenL, known, i, t - lagMs)
        if (seenL[k]! + q > listedL[k]!) {
          rejectedHere++
          continue
        }
      }
      const c = acceptedCountL[k]!
      acceptedCountL[k] = c + q
      acceptedHere++
      // PAY-3: the whole order waits when any of its units is past physical stock
      if (isOversold(c + q, physicalL[k]!)) {
        flagsL[i] = F_ACCEPTED | F_OVERSOLD
        oversoldHere++
        if (backorderPos === null) backorderPos = scratchInts(N)
        backorderPos[i] = backordersL[k]!.pushed
        backordersL[k]!.push(i)
      } else {
        flagsL[i] = F_ACCEPTED
        release(i, t)
      }
      const cls = classOfL[k]!
      const ag = agreed?.get(i)
      const d = ag ? agreedDeadline(i, k, t, ag) : deadlineOf(i, k)
      if (ag || d < lastDeadlineL[cls]!) {
        heap.push(d, EV_DEADLINE, EV_DEADLINE_ONE, i)
      } else {
        lastDeadlineL[cls] = d
        const dq = deadlineQL[cls]!
        if (dq.length === 0) heap.push(d, EV_DEADLINE, EV_DEADLINE, cls)
        dq.push(i)
      }
    }
    next = i
    accepted += acceptedHere
    rejected += rejectedHere
    oversold += oversoldHere
    lagPtr = known
    publishedAt = published
    if (next < N) heap.push(times[next]!, EV_ARRIVAL, EV_ARRIVAL, 0)
  }

  /** EV_DEADLINE: a batch, deadline class `cls`'s deadlines that fall before every other pending event. */
  const deadlineBatch = (cls: number, now: number) => {
    const dq = deadlineQ[cls]!
    const limit = heap.peekTime()
    const limitPrio = heap.peekPriority()
    while (dq.length > 0) {
      const i = dq.peek()
      const k = sku[i]!
      const d = deadlineOf(i, k)
      if (d > now && (d > limit || (d === limit && limitPrio <= EV_DEADLINE))) {
        heap.push(d, EV_DEADLINE, EV_DEADLINE, cls)
        break
      }
      dq.shift()
      judgeDeadline(i, k, d)
    }
  }

  let now = from
  while (heap.size > 0) {
    now = heap.peekTime()
    if (now > end) break
    const kind = heap.topKind()
    const arg = heap.topArg()
    heap.pop()
    events++
    switch (kind) {
      case EV_ARRIVAL: {
        arrivalBatch()
        break
      }
      case EV_RESTOCK: {
        const r = restocks[arg]!
        const k = r.k
        futureUnits[k]! -= r.units
        let units = r.units
        const bq = backorders[k]!
        while (units > 0 && bq.length > 0) {
          const i = bq.shift()
          if (flags[i]! & F_CANCELLED) continue
          units--
          release(i, now)
        }
        physical[k]! += units
        break
      }
      case EV_COMPLAINT: {
        const i = scripted[arg]!.orderIndex
        // an order not placed yet, or refused at checkout, has nothing to complain about
        if (i < next && (flags[i]! & F_ACCEPTED) !== 0) fileComplaint(i, now, -1)
        break
      }
      case EV_DECIDE: {
        decideComplaint(arg, now)
        break
      }
      case EV_DEADLINE_ONE: {
        judgeDeadline(arg, sku[arg]!, now)
        break
      }
      case EV_DEADLINE: {
        deadlineBatch(arg, now)
        break
      }
    }
  }

  const { shipped, leadSum } = shippedTally(shipAt, flags, times, end)

  const totalFen = lsFen + osFen
  return {
    seed,
    orders: {
      arrived: N,
      accepted,
      rejected,
      oversold,
      shipped,
      due,
      onTime,
      refunded,
      neverShipped,
      meanLeadHours: shipped > 0 ? leadSum / shipped / HOUR : 0,
    },
    late: { oversell: lateOversell, capacity: lateCapacity, total: lateOversell + lateCapacity },
    complaints: { filed, handledInTime, escalated, upheld },
    payouts: {
      late_shipment: { count: lsCount, amountFen: lsFen },
      oversell: { count: osCount, amountFen: osFen },
      price_protection: { count: 0, amountFen: 0 },
      totalFen,
    },
    sla: {
      pickup48hRate: due > 0 ? onTime / due : 1,
      complaint48hRate: handledInTime + escalated > 0 ? handledInTime / (handledInTime + escalated) : 1,
    },
    massDelay: { warnedAt, removedAt },
    span: { from, to: Math.min(now, end) },
    events,
  }
}

/** First carrier wave at or after `t` (waves are minutes of the Asia/Shanghai day). */
function nextWave(t: number, waves: number[]): number {
  const dayStart = Math.floor((t + SHANGHAI) / DAY) * DAY - SHANGHAI
  for (let d = 0; d < 2; d++) {
    for (const w of waves) {
      const at = dayStart + d * DAY + w * MINUTE
      if (at >= t) return at
    }
  }
  return dayStart + 2 * DAY
}

/**
 * `lagging`: counts into `seen` (per SKU) the accepted orders from `from` up to order `before`
 * paid at or before `cut`, the sales the platform knows of; returns where the count stopped.
 */
function countKnownSales(
  times: Float64Array,
  sku: Uint16Array,
  units: Uint16Array | undefined,
  flags: Uint8Array,
  seen: Float64Array,
  from: number,
  before: number,
  cut: number,
): number {
  let p = from
  while (p < before && times[p]! <= cut) {
    if (flags[p]! & F_ACCEPTED) seen[sku[p]!]! += units === undefined ? 1 : units[p]!
    p++
  }
  return p
}

/** Orders shipped by `end` (not cancelled) and the sum of their lead times. */
function shippedTally(shipAt: Float64Array, flags: Uint8Array, times: Float64Array, end: number) {
  let shipped = 0
  let leadSum = 0
  for (let i = 0; i < times.length; i++) {
    const s = shipAt[i]!
    if (s <= end && !(flags[i]! & F_CANCELLED)) {
      shipped++
      leadSum += s - times[i]!
    }
  }
  return { shipped, leadSum }
}

/**
 * `[make(0), …, make(n - 1)]`, built by push so that it is packed whichever tier runs the caller:
 * `Array.prototype.map` inlined by TurboFan makes holey arrays where the builtin makes packed ones,
 * and the hot closures that index these arrays deopted ("wrong map") the first cell after
 * `simulate` itself was optimised.
 */
function packedArray<T>(n: number, make: (i: number) => T): T[] {
  const out: T[] = []
  for (let i = 0; i < n; i++) out.push(make(i))
  return out
}
