import { HOUR_MS } from '@d11/time/shanghai'

/**
 * The named world slices `d11 twin --slice` compares, each a merchant, a window on Nov 11 of the
 * calendar's year and the profile (with overrides) that makes the slice exercise its rules. Flags
 * given on the command line replace a slice's own values.
 *
 * - `spot`: the busiest tiny-world merchant over the 00:00 burst (about 210 units); late shipments
 *   come from the warehouse alone (SHIP-1, PAY-1/PAY-2).
 * - `oversell`: a merchant whose best seller (s-00000021 in the tiny seed-1 world: stock 25, 28 units
 *   sold in the first 12 hours) outsells its stock, under @d11/order-flow's `strict` reservation with
 *   a signed `oversellShare` of +0.2 (the profile's `buffered` at `bufferShare` 0.2): both engines sell
 *   up to 120 % of stock and mark every unit beyond it oversold; those never ship and pay PAY-3.
 */
export interface TwinSlice {
  merchantId: string
  /** Shanghai time of day on Nov 11 the window opens, hours */
  fromHour: number
  hours: number
  profile: string
  set: readonly string[]
}

export const TWIN_SLICES = {
  spot: { merchantId: 'm-000001', fromHour: 0, hours: 3, profile: 'prepared', set: [] },
  oversell: {
    merchantId: 'm-000002',
    fromHour: 0,
    hours: 12,
    profile: 'oversell-prone',
    set: ['stock.reservation=buffered', 'stock.bufferShare=0.2'],
  },
} as const satisfies Record<string, TwinSlice>

export type TwinSliceName = keyof typeof TWIN_SLICES

export function isTwinSliceName(name: string): name is TwinSliceName {
  return Object.hasOwn(TWIN_SLICES, name)
}

/** The slice's window on Nov 11 of `year`, as epoch ms [from, to). */
export function sliceWindow(slice: TwinSlice, year: string): { from: number; to: number } {
  const from = Date.parse(`${year}-11-11T00:00:00+08:00`) + slice.fromHour * HOUR_MS
  return { from, to: from + slice.hours * HOUR_MS }
}
