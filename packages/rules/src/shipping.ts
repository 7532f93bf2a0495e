import { HOUR_MS, toShanghaiIso } from '@d11/time/shanghai'
import type { Calendar } from './calendar.ts'
import { inNoAutoCompensationWindow } from './compensation.ts'
import type { Ruleset } from './ruleset.ts'
import { isTime, type Verdict, verdict } from './verdict.ts'

export interface DeadlineOptions {
  /** SHIP-1: presale/contract ship time in hours after payment (e.g. 72 for a 3-day presale). */
  presaleShipHours?: number
  /** SHIP-1: an absolute contract ship time, epoch ms. */
  contractShipAt?: number
  /** SHIP-3: a ship time agreed with the buyer; replaces every other deadline. */
  negotiatedAt?: number
}

export type DeadlineBasis = 'negotiated' | 'contract' | 'presale' | 'window' | 'default'

/**
 * SHIP-1 / SHIP-3: the pickup deadline of an order and what it rests on. Precedence: a negotiated
 * time (SHIP-3), then an absolute contract time, then presale hours after payment, then the pickup
 * hours of a ruleset deadline window containing `paidAt` (e.g. Nov 1–3: 48 h), then the default
 * `shipping.pickupHours` (48 h). Plain millisecond arithmetic: 48 h is 48 h across month and year ends.
 */
export function shipDeadlineInfo(
  paidAt: number,
  opts: DeadlineOptions,
  rs: Pick<Ruleset, 'shipping'>,
): { deadline: number; basis: DeadlineBasis; ruleId: 'SHIP-1' | 'SHIP-3'; windowId?: string } {
  if (opts.negotiatedAt !== undefined)
    return { deadline: opts.negotiatedAt, basis: 'negotiated', ruleId: 'SHIP-3' }
  if (opts.contractShipAt !== undefined)
    return { deadline: opts.contractShipAt, basis: 'contract', ruleId: 'SHIP-1' }
  if (opts.presaleShipHours !== undefined) {
    return { deadline: paidAt + opts.presaleShipHours * HOUR_MS, basis: 'presale', ruleId: 'SHIP-1' }
  }
  const w = rs.shipping.deadlineWindows.find((x) => paidAt >= x.from && paidAt < x.to)
  if (w)
    return { deadline: paidAt + w.pickupHours * HOUR_MS, basis: 'window', ruleId: 'SHIP-1', windowId: w.id }
  return { deadline: paidAt + rs.shipping.pickupHours * HOUR_MS, basis: 'default', ruleId: 'SHIP-1' }
}

/** SHIP-1 / SHIP-3: the pickup deadline (epoch ms); see {@link shipDeadlineInfo}. */
export function shipDeadline(paidAt: number, opts: DeadlineOptions, rs: Pick<Ruleset, 'shipping'>): number {
  return shipDeadlineInfo(paidAt, opts, rs).deadline
}

/**
 * SHIP-1 / SHIP-3: was (or is) the order picked up in time? On time when `pickedUpAt <= deadline`
 * (deadline inclusive). Without a pickup, `ok` while `now <= deadline`. `lateAt` is the deadline
 * when the order is late (the moment PAY-2 judges).
 */
export function shipmentVerdict(
  input: DeadlineOptions & { paidAt: number; pickedUpAt?: number; now: number },
  rs: Pick<Ruleset, 'shipping'>,
): Verdict & { deadline: number; basis: DeadlineBasis; late: boolean; lateAt?: number } {
  if (!isTime(input.paidAt)) {
    return verdict(false, 'SHIP-1', `paidAt must be epoch ms, got ${input.paidAt}`, {
      deadline: Number.NaN,
      basis: 'default' as DeadlineBasis,
      late: false,
    })
  }
  const info = shipDeadlineInfo(input.paidAt, input, rs)
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
