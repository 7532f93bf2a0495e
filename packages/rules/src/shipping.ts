import { HOUR_MS, toShanghaiIso } from '@d11/time/shanghai'
import { type Calendar, paymentWave } from './calendar.ts'
import { inNoAutoCompensationWindow } from './compensation.ts'
import type { Ruleset } from './ruleset.ts'
import { isTime, type Verdict, verdict } from './verdict.ts'

export interface PickupInput {
  /** When the buyer paid (the final payment of a presale order), epoch ms. */
  paidAt: number
  /** When the buyer ordered (拍下); presale/contract ship hours count from it (001). @default paidAt */
  orderedAt?: number
  /** SHIP-1: presale/contract ship time in hours after the order (e.g. 72 for a 3-day presale); 0 = none. */
  presaleShipHours?: number
  /** SHIP-1: an absolute contract ship time, epoch ms. */
  contractShipAt?: number
  /** SHIP-3: a ship time agreed with the buyer; replaces every other deadline. */
  negotiatedAt?: number
  /** SHIP-1 (001): the order is a Spring-festival "不打烊" order shipping between these regions. */
  springFestival?: { fromRegion: string; toRegion: string }
}

export type DeadlineBasis =
  | 'negotiated'
  | 'contract'
  | 'presale'
  | 'spring-festival'
  | 'wave1'
  | 'wave2'
  | 'outside-waves'

type ShippingRules = Pick<Ruleset, 'shipping'>
type Waves = Pick<Calendar, 'waves'>

/** SHIP-1: the pickup hours of an order paid at `paidAt` by its wave (no override, no Spring festival). */
function waveHours(paidAt: number, cal: Waves, rs: ShippingRules): { hours: number; wave: 0 | 1 | 2 } {
  const wave = paymentWave(cal, paidAt)
  const p = rs.shipping.pickup
  return { hours: wave === 1 ? p.wave1Hours : wave === 2 ? p.wave2Hours : p.outsideWavesHours, wave }
}

/**
 * SHIP-1 / SHIP-3: the pickup deadline of an order and what it rests on; the wave is read from the
 * calendar (callers never pick it). Precedence: a negotiated time (SHIP-3); an absolute contract
 * time; presale/contract hours counted from the order (001: a 3-day presale ordered Feb 1 13:00
 * ships by Feb 4 13:00); the Spring-festival rule (001: 48 h when paid in its window with both
 * addresses in the covered area); then the hours of the payment's wave (wave 1: 48 h; wave 2: its
 * own, default value) or, outside both waves, `shipping.pickup.outsideWavesHours` (a default).
 * Plain millisecond arithmetic: 48 h is 48 h across month and year ends.
 */
export function pickupDeadlineInfo(
  input: PickupInput,
  cal: Waves,
  rs: ShippingRules,
): {
  deadline: number
  basis: DeadlineBasis
  ruleId: 'SHIP-1' | 'SHIP-3'
  wave: 0 | 1 | 2
  windowId?: string
} {
  const { paidAt } = input
  const wave = paymentWave(cal, paidAt)
  if (input.negotiatedAt !== undefined)
    return { deadline: input.negotiatedAt, basis: 'negotiated', ruleId: 'SHIP-3', wave }
  if (input.contractShipAt !== undefined)
    return { deadline: input.contractShipAt, basis: 'contract', ruleId: 'SHIP-1', wave }
  if (input.presaleShipHours !== undefined && input.presaleShipHours > 0) {
    const from = input.orderedAt ?? paidAt
    return { deadline: from + input.presaleShipHours * HOUR_MS, basis: 'presale', ruleId: 'SHIP-1', wave }
  }
  const sf = input.springFestival
  if (sf) {
    const w = rs.shipping.springFestival.find((x) => paidAt >= x.from && paidAt < x.to)
    const covered = (r: string) => rs.shipping.regions.includes(r) && !w?.uncoveredRegions.includes(r)
    if (w && covered(sf.fromRegion) && covered(sf.toRegion)) {
      const deadline = paidAt + w.pickupHours * HOUR_MS
      return { deadline, basis: 'spring-festival', ruleId: 'SHIP-1', wave, windowId: w.id }
    }
  }
  const { hours } = waveHours(paidAt, cal, rs)
  const basis = wave === 1 ? 'wave1' : wave === 2 ? 'wave2' : 'outside-waves'
  return { deadline: paidAt + hours * HOUR_MS, basis, ruleId: 'SHIP-1', wave }
}

/**
 * SHIP-1: the pickup deadline (epoch ms) of an order without negotiation, contract time or
 * Spring-festival terms, as {@link pickupDeadlineInfo} answers it, allocation-free for the
 * simulator's hot loop. `presaleShipHours` 0 = none; presale hours count from `orderedAt`.
 */
export function pickupDeadline(
  paidAt: number,
  orderedAt: number,
  presaleShipHours: number,
  cal: Waves,
  rs: ShippingRules,
): number {
  if (presaleShipHours > 0) return orderedAt + presaleShipHours * HOUR_MS
  return paidAt + waveHours(paidAt, cal, rs).hours * HOUR_MS
}

/**
 * SHIP-1 / SHIP-3: was (or is) the order picked up in time? On time when `pickedUpAt <= deadline`
 * (deadline inclusive). Without a pickup, `ok` while `now <= deadline`. `lateAt` is the deadline
 * when the order is late (the moment PAY-2 judges).
 */
export function shipmentVerdict(
  input: PickupInput & { pickedUpAt?: number; now: number },
  cal: Waves,
  rs: ShippingRules,
): Verdict & { deadline: number; basis: DeadlineBasis; late: boolean; lateAt?: number } {
  if (!isTime(input.paidAt)) {
    return verdict(false, 'SHIP-1', `paidAt must be epoch ms, got ${input.paidAt}`, {
      deadline: Number.NaN,
      basis: 'outside-waves' as DeadlineBasis,
      late: false,
    })
  }
  const info = pickupDeadlineInfo(input, cal, rs)
  const t = input.pickedUpAt ?? input.now
  const late = t > info.deadline
  const what =
    input.pickedUpAt === undefined ? 'not picked up yet' : `picked up ${toShanghaiIso(input.pickedUpAt)}`
  return verdict(
    !late,
    info.ruleId,
    `${what}; ${info.basis} deadline ${toShanghaiIso(info.deadline)}${late ? ' passed' : ''}`,
    {
      deadline: info.deadline,
      basis: info.basis,
      late,
      ...(late ? { lateAt: info.deadline } : {}),
    },
  )
}

/** SHIP-2: the first logistics trace update is due `shipping.traceHours` (24 h) after pickup. */
export function traceDeadline(pickedUpAt: number, rs: Pick<Ruleset, 'shipping'>): number {
  return pickedUpAt + rs.shipping.traceHours * HOUR_MS
}

/** SHIP-2: `ok` when the first trace update came by the deadline (inclusive), or it is not due yet. */
export function traceVerdict(
  input: { pickedUpAt: number; firstTraceAt?: number; now: number },
  rs: Pick<Ruleset, 'shipping'>,
): Verdict & { deadline: number } {
  const deadline = traceDeadline(input.pickedUpAt, rs)
  const t = input.firstTraceAt ?? input.now
  const ok = t <= deadline
  return verdict(
    ok,
    'SHIP-2',
    `${input.firstTraceAt === undefined ? 'no trace update yet' : 'first trace update'}; due by ${toShanghaiIso(deadline)}`,
    { deadline },
  )
}

/**
 * SHIP-4: may the merchant file a delay report at `at`? Refused inside the no-auto-compensation
 * window (`from` inclusive, `to` exclusive), when the tool is offline.
 */
export function delayReportVerdict(at: number, cal: Pick<Calendar, 'noAutoCompensationWindow'>): Verdict {
  if (inNoAutoCompensationWindow(at, cal)) {
    return verdict(false, 'SHIP-4', 'delay reports are offline inside the no-auto-compensation window')
  }
  return verdict(true, 'SHIP-4', 'delay report accepted')
}

/** SHIP-5: an order to a region the SKU restricts is rejected; unknown regions are rejected too. */
export function regionVerdict(
  sku: { restrictedRegions?: readonly string[] },
  region: string,
  rs: Pick<Ruleset, 'shipping'>,
): Verdict {
  if (!rs.shipping.regions.includes(region)) return verdict(false, 'SHIP-5', `unknown region "${region}"`)
  if (sku.restrictedRegions?.includes(region))
    return verdict(false, 'SHIP-5', `SKU does not sell to ${region}`)
  return verdict(true, 'SHIP-5', `SKU sells to ${region}`)
}

/**
 * SHIP-6: a title that claims free shipping (a `shipping.freeShippingWords` entry, case-insensitive)
 * needs a shipping template with fee 0 for every region; partial free shipping may not say so.
 * `template` maps region -> fee in fen (a missing region means the listing does not ship free there).
 */
export function freeShippingClaimVerdict(
  listing: { title: string; template: Readonly<Record<string, number>> },
  rs: Pick<Ruleset, 'shipping'>,
): Verdict & { claimsFreeShipping: boolean; paidRegions: string[] } {
  const title = listing.title.toLowerCase()
  const claimsFreeShipping = rs.shipping.freeShippingWords.some((w) => title.includes(w.toLowerCase()))
  const paidRegions = rs.shipping.regions.filter((r) => listing.template[r] !== 0)
  if (!claimsFreeShipping) {
    return verdict(true, 'SHIP-6', 'title makes no free-shipping claim', { claimsFreeShipping, paidRegions })
  }
  if (paidRegions.length === 0) {
    return verdict(true, 'SHIP-6', 'free shipping to every region, as the title claims', {
      claimsFreeShipping,
      paidRegions,
    })
  }
  return verdict(
    false,
    'SHIP-6',
    `title claims free shipping but ${paidRegions.length} region(s) are not free, e.g. ${paidRegions[0]}`,
    { claimsFreeShipping, paidRegions },
  )
}
