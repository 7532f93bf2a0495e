import { getCalendar } from '@d11/rules/calendar'
import type { SliceKind } from '@d11/sim/twin'
import { HOUR_MS } from '@d11/time/shanghai'

/**
 * The named world slices `d11 twin --slice` compares, each an order kind, a merchant, a window (on
 * Nov 11 of the calendar's year, or from the last wave's final-payment opening) and the profile
 * (with overrides) that makes the slice exercise its rules. Flags given on the command line replace
 * a slice's own values.
 *
 * - `spot`: the busiest tiny-world merchant over the 00:00 burst (about 210 units); late shipments
 *   come from the warehouse alone (SHIP-1, PAY-1/PAY-2).
 * - `oversell`: a merchant whose sell-out item (s-00000021 in the tiny seed-1 world: a launch stock
 *   of 5) outsells its stock in the first 12 hours, under the oversell-prone profile as it is:
 *   `lagging`, the merchant republishing a 30-min-stale view every 5 min. Both engines reset the
 *   platform's sellable figure at the same publications and mark every unit beyond stock oversold
 *   (8 of 193 units in that world); those never ship and pay PAY-3.
 * - `presale`: presale orders whose final payment falls in the first hour of the last wave's
 *   final-payment window (m-000007, about 50 units in the tiny worlds). The live driver places each
 *   at the world's order instant with its deposit and pays the rest at the world's final payment;
 *   the simulator prices the SKUs with their real presale flags (PAY-4's presale amount in 2024) and
 *   counts their contract ship hours from the order (SHIP-1), as the platform does.
 */
export interface TwinSlice {
  kind: SliceKind
  merchantId: string
  /** where the window is anchored: 00:00 of Nov 11, or the last wave's final-payment opening */
  anchor: 'nov11' | 'final-payment'
  /** hours after the anchor the window opens */
  fromHour: number
  hours: number
  profile: string
  set: readonly string[]
}

export const TWIN_SLICES = {
  spot: {
    kind: 'spot',
    merchantId: 'm-000001',
    anchor: 'nov11',
    fromHour: 0,
    hours: 3,
    profile: 'prepared',
    set: [],
  },
  oversell: {
    kind: 'spot',
    merchantId: 'm-000002',
    anchor: 'nov11',
    fromHour: 0,
    hours: 12,
    profile: 'oversell-prone',
    set: [],
  },
  presale: {
    kind: 'presale',
    merchantId: 'm-000007',
    anchor: 'final-payment',
    fromHour: 0,
    hours: 1,
    profile: 'prepared',
    set: [],
  },
} as const satisfies Record<string, TwinSlice>

export type TwinSliceName = keyof typeof TWIN_SLICES

export function isTwinSliceName(name: string): name is TwinSliceName {
  return Object.hasOwn(TWIN_SLICES, name)
}

/** The slice's window in calendar `calendarId` (a Double 11 year), as epoch ms [from, to). */
export function sliceWindow(slice: TwinSlice, calendarId: string): { from: number; to: number } {
  const anchor =
    slice.anchor === 'nov11'
      ? Date.parse(`${calendarId}-11-11T00:00:00+08:00`)
      : Math.max(...getCalendar(calendarId).waves.map((w) => w.presale.finalPaymentOpens))
  const from = anchor + slice.fromHour * HOUR_MS
  return { from, to: from + slice.hours * HOUR_MS }
}
