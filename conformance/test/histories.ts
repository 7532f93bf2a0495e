import { compensationFor } from '@d11/order-flow/payout-amounts'
import { getCalendar } from '@d11/rules/calendar'
import { rulesetAt } from '@d11/rules/ruleset'
import type { ConformanceRow, ScriptedHistory } from '@d11/sim/scripted'
import { simTime } from '@d11/time/shanghai'

/**
 * The named order histories of the conformance suite. Prices stay under the 300-yuan threshold of
 * the cross-store coupon (PRICE-3), so the paid amount is the list price and PAY-1's 30 % lies
 * inside its 5..500-yuan clamp (the amounts test the rate, not only the cap).
 */

export const t = (iso: string): number => simTime(iso)
export const HOUR = 3_600_000
export const DAY = 24 * HOUR

const cup = { id: 'cup', paidFen: 20_000, stock: 100 } // 200 yuan: PAY-1 = 60 yuan
const pre = { id: 'pre', paidFen: 20_000, stock: 100, presale: true }
const pre72 = { id: 'pre72', paidFen: 10_000, stock: 100, presale: true, shipHours: 72 }

export const row = (order: number, cause: string, ruleId: string, amountFen = 0): ConformanceRow => ({
  order,
  cause,
  ruleId,
  amountFen,
})

/**
 * The payout rows of a late presale order decided at `at`: what the ruleset in force then says
 * (PAY-4 where 002's multiplier is in force, PAY-1 where it is not — @d11/rules owns the figure).
 */
const presaleLate = (order: number, paidFen: number, at: number, calendar: string): ConformanceRow[] => {
  const pay = compensationFor(paidFen, true, false, rulesetAt(at))
  const inWindow =
    at >= getCalendar(calendar).noAutoCompensationWindow.from &&
    at < getCalendar(calendar).noAutoCompensationWindow.to
  return [
    row(order, 'complaint_upheld', inWindow ? 'PAY-2' : 'PAY-5', pay.amountFen),
    row(order, 'late_shipment', pay.ruleId, pay.amountFen),
  ]
}

export interface NamedCase {
  history: ScriptedHistory
  /** what both engines must answer (sorted as `sortRows` does) */
  expected: ConformanceRow[]
}

const h = (name: string, over: Partial<ScriptedHistory>): ScriptedHistory => ({
  name,
  calendar: '2020',
  skus: [cup],
  desk: 'escalate',
  orders: [],
  ...over,
})

const h2024 = (name: string, over: Partial<ScriptedHistory>): ScriptedHistory =>
  h(name, { calendar: '2024', ...over })

// 2020, wave 1 spot: paid Nov 2 10:00, SHIP-1 deadline Nov 4 10:00 (48 h), inside PAY-2's window
const W1 = t('2020-11-02T10:00:00+08:00')
const W1_DEADLINE = W1 + 48 * HOUR
// December 2020: after the no-auto-compensation window (Oct 29 – Nov 18)
const DEC = t('2020-12-01T10:00:00+08:00')
// the same instants in 2024, where 002's rules (PAY-4, PAY-6, PAY-7, PAY-8) are in force
const W1_24 = t('2024-11-02T10:00:00+08:00')
const W1_24_DEADLINE = W1_24 + 48 * HOUR
const DEC_24 = t('2024-12-01T10:00:00+08:00')

export const CASES: Record<string, NamedCase> = {
  '2024: appeal — one reviewed, the second refused (PAY-7 maxPerDispute)': {
    history: h2024('appeal', {
      orders: [
        {
          sku: 'cup',
          paidAt: W1_24,
          complainAt: W1_24_DEADLINE + HOUR,
          appealAt: [W1_24_DEADLINE + 4 * DAY, W1_24_DEADLINE + 5 * DAY],
        },
      ],
    }),
    expected: [
      row(0, 'appeal_decided', 'PAY-7'),
      row(0, 'appeal_refused', 'PAY-7'),
      row(0, 'complaint_upheld', 'PAY-2', 6_000),
      row(0, 'late_shipment', 'PAY-1', 6_000),
    ],
  },
  '2024: appeal after the 30-day window refused (PAY-7)': {
    history: h2024('appeal-late', {
      orders: [
        {
          sku: 'cup',
          paidAt: W1_24,
          complainAt: W1_24_DEADLINE + HOUR,
          appealAt: [W1_24_DEADLINE + 40 * DAY],
        },
      ],
      horizonDays: 50,
    }),
    expected: [
      row(0, 'appeal_refused', 'PAY-7'),
      row(0, 'complaint_upheld', 'PAY-2', 6_000),
      row(0, 'late_shipment', 'PAY-1', 6_000),
    ],
  },
  '2024: mass delay (PAY-6) warning at 5 % late, removal at 15 %': {
    history: h2024('mass-delay', {
      orders: Array.from({ length: 24 }, (_, i) => ({
        sku: 'cup',
        paidAt: DEC_24 + i * 60_000,
        ...(i < 20 ? { pickupAt: DEC_24 + 20 * HOUR } : {}),
      })),
    }),
    expected: [
      row(-1, 'mass_delay_removal', 'PAY-6'),
      row(-1, 'mass_delay_warning', 'PAY-6'),
      ...[20, 21, 22, 23].map((i) => row(i, 'late_shipment', 'PAY-1', 6_000)),
    ],
  },
  'divergence 2 (2024): merchant-liable complaints count as poor service (PAY-6 warning)': {
    history: h2024('poor-service', {
      orders: [
        ...Array.from({ length: 10 }, (_, i) => ({
          sku: 'cup',
          paidAt: W1_24 + i * 60_000,
          complainAt: W1_24_DEADLINE + HOUR + i * 60_000,
        })),
        { sku: 'cup', paidAt: W1_24 + 3 * DAY },
      ],
    }),
    expected: [
      row(-1, 'mass_delay_warning', 'PAY-6'),
      ...Array.from({ length: 10 }, (_, i) => [
        row(i, 'complaint_upheld', 'PAY-2', 6_000),
        row(i, 'late_shipment', 'PAY-1', 6_000),
      ]).flat(),
    ],
  },
  '2020: PAY-7 not in force (002 is a 2024 rule): both appeals reviewed': {
    history: h('appeal-2020', {
      orders: [
        {
          sku: 'cup',
          paidAt: W1,
          complainAt: W1_DEADLINE + HOUR,
          appealAt: [W1_DEADLINE + 4 * DAY, W1_DEADLINE + 40 * DAY],
        },
      ],
      horizonDays: 50,
    }),
    expected: [
      row(0, 'appeal_decided', 'PAY-7'),
      row(0, 'appeal_decided', 'PAY-7'),
      row(0, 'complaint_upheld', 'PAY-2', 6_000),
      row(0, 'late_shipment', 'PAY-1', 6_000),
    ],
  },
  '2020: PAY-6 not in force: 4 of 24 late, no warning': {
    history: h('mass-delay-2020', {
      orders: Array.from({ length: 24 }, (_, i) => ({
        sku: 'cup',
        paidAt: DEC + i * 60_000,
        ...(i < 20 ? { pickupAt: DEC + 20 * HOUR } : {}),
      })),
    }),
    expected: [20, 21, 22, 23].map((i) => row(i, 'late_shipment', 'PAY-1', 6_000)),
  },
  'ruleset 2024-05-20: presale wave 1 late, complaint escalated → PAY-4 (002)': {
    history: h2024('presale-2024', {
      skus: [pre],
      orders: [
        {
          sku: 'pre',
          orderedAt: t('2024-10-25T20:00:00+08:00'),
          paidAt: W1_24,
          complainAt: W1_24_DEADLINE + HOUR,
        },
      ],
    }),
    expected: presaleLate(0, 20_000, W1_24_DEADLINE + 49 * HOUR, '2024'),
  },
  'spot wave 1: late, complaint inside PAY-2 window, escalated and founded → PAY-1 on complaint': {
    history: h('w1-late-escalated', {
      orders: [{ sku: 'cup', paidAt: W1, pickupAt: W1_DEADLINE + 24 * HOUR, complainAt: W1_DEADLINE + HOUR }],
    }),
    expected: [row(0, 'complaint_upheld', 'PAY-2', 6_000), row(0, 'late_shipment', 'PAY-1', 6_000)],
  },
  'spot wave 2: picked up in time → nothing': {
    history: h('w2-on-time', {
      orders: [
        { sku: 'cup', paidAt: t('2020-11-11T00:10:00+08:00'), pickupAt: t('2020-11-12T09:00:00+08:00') },
      ],
    }),
    expected: [],
  },
  'complaint handled in time, merchant disputes, founded → still paid (PAY-5)': {
    history: h('handled-in-time', {
      desk: 'in-time',
      orders: [{ sku: 'cup', paidAt: W1, complainAt: W1_DEADLINE + HOUR }],
    }),
    expected: [row(0, 'complaint_upheld', 'PAY-2', 6_000), row(0, 'late_shipment', 'PAY-1', 6_000)],
  },
  'divergence 4: unfounded escalation (order on time) → rejected, nothing paid': {
    history: h('unfounded-escalation', {
      orders: [{ sku: 'cup', paidAt: W1, pickupAt: W1 + 20 * HOUR, complainAt: W1 + 10 * HOUR }],
    }),
    expected: [row(0, 'complaint_rejected', 'PAY-2')],
  },
  'late, no complaint inside PAY-2 window → nothing paid': {
    history: h('withheld', { orders: [{ sku: 'cup', paidAt: W1, pickupAt: W1_DEADLINE + 5 * HOUR }] }),
    expected: [],
  },
  'late outside PAY-2 window → PAY-1 at once': {
    history: h('late-december', { orders: [{ sku: 'cup', paidAt: DEC, pickupAt: DEC + 60 * HOUR }] }),
    expected: [row(0, 'late_shipment', 'PAY-1', 6_000)],
  },
  'divergence 1: oversold, never ships, complaint upheld inside PAY-2 window → PAY-3': {
    history: h('oversold-in-window', {
      skus: [{ ...cup, stock: 2 }],
      oversellShare: 0.5,
      orders: [
        { sku: 'cup', paidAt: W1, pickupAt: W1 + HOUR },
        { sku: 'cup', paidAt: W1 + 60_000, pickupAt: W1 + HOUR },
        { sku: 'cup', paidAt: W1 + 120_000, complainAt: W1_DEADLINE + 2 * HOUR },
      ],
    }),
    expected: [row(2, 'complaint_upheld', 'PAY-2', 6_000), row(2, 'oversell', 'PAY-3', 6_000)],
  },
  'oversold outside PAY-2 window → PAY-3 at once': {
    history: h('oversold-december', {
      skus: [{ ...cup, stock: 2 }],
      oversellShare: 0.5,
      orders: [
        { sku: 'cup', paidAt: DEC, pickupAt: DEC + HOUR },
        { sku: 'cup', paidAt: DEC + 60_000, pickupAt: DEC + HOUR },
        { sku: 'cup', paidAt: DEC + 120_000 },
      ],
    }),
    expected: [row(2, 'oversell', 'PAY-3', 6_000)],
  },
  'presale wave 1: late, complaint escalated → presale compensation (PAY-4 where in force)': {
    history: h('presale-w1', {
      skus: [pre],
      orders: [
        { sku: 'pre', orderedAt: t('2020-10-25T20:00:00+08:00'), paidAt: W1, complainAt: W1_DEADLINE + HOUR },
      ],
    }),
    expected: presaleLate(0, 20_000, W1_DEADLINE + 49 * HOUR, '2020'),
  },
  'presale wave 2 with a 72 h ship time counted from the order (SHIP-1, 001), not the payment': {
    history: h('presale-w2-72h', {
      skus: [pre72],
      orders: [
        // ordered Nov 10 01:00, due Nov 13 01:00: picked up Nov 12 13:00, in time
        {
          sku: 'pre72',
          orderedAt: t('2020-11-10T01:00:00+08:00'),
          paidAt: t('2020-11-11T01:00:00+08:00'),
          pickupAt: t('2020-11-12T13:00:00+08:00'),
        },
        // ordered Nov 10 02:00, due Nov 13 02:00 (72 h after the payment would be Nov 14 02:00)
        {
          sku: 'pre72',
          orderedAt: t('2020-11-10T02:00:00+08:00'),
          paidAt: t('2020-11-11T02:00:00+08:00'),
          pickupAt: t('2020-11-13T20:00:00+08:00'),
          complainAt: t('2020-11-13T05:00:00+08:00'),
        },
      ],
    }),
    expected: presaleLate(1, 10_000, t('2020-11-15T05:00:00+08:00'), '2020'),
  },
  'negotiated ship time (SHIP-3) replaces the deadline': {
    history: h('negotiated', {
      orders: [
        {
          sku: 'cup',
          paidAt: W1,
          pickupAt: W1_DEADLINE + 20 * HOUR,
          complainAt: W1_DEADLINE + 10 * HOUR,
          agreed: { kind: 'negotiated', at: W1 + 10 * HOUR, shipBy: W1_DEADLINE + DAY },
        },
        {
          sku: 'cup',
          paidAt: W1 + HOUR,
          complainAt: W1_DEADLINE + 30 * HOUR,
          agreed: { kind: 'negotiated', at: W1 + 10 * HOUR, shipBy: W1_DEADLINE + DAY },
        },
      ],
    }),
    expected: [
      row(0, 'complaint_rejected', 'PAY-2'),
      row(1, 'complaint_upheld', 'PAY-2', 6_000),
      row(1, 'late_shipment', 'PAY-1', 6_000),
    ],
  },
  'delay report inside PAY-2 window refused (SHIP-4): the deadline stands': {
    history: h('delay-report-refused', {
      orders: [
        {
          sku: 'cup',
          paidAt: W1,
          pickupAt: W1_DEADLINE + 20 * HOUR,
          complainAt: W1_DEADLINE + 10 * HOUR,
          agreed: { kind: 'delay-report', at: W1 + 10 * HOUR, shipBy: W1_DEADLINE + DAY },
        },
      ],
    }),
    expected: [
      row(0, 'complaint_upheld', 'PAY-2', 6_000),
      row(0, 'delay_report_refused', 'SHIP-4'),
      row(0, 'late_shipment', 'PAY-1', 6_000),
    ],
  },
  'delay report after the window accepted: picked up by the reported time, nothing owed': {
    history: h('delay-report-accepted', {
      orders: [
        {
          sku: 'cup',
          paidAt: DEC,
          pickupAt: DEC + 60 * HOUR,
          agreed: { kind: 'delay-report', at: DEC + 10 * HOUR, shipBy: DEC + 72 * HOUR },
        },
      ],
    }),
    expected: [],
  },
  'price protection inside its window paid, after it refused (PRICE-5)': {
    history: h('price-protection', {
      skus: [cup, { id: 'mug', paidFen: 20_000, stock: 10 }],
      orders: [
        {
          sku: 'cup',
          paidAt: DEC,
          pickupAt: DEC + HOUR,
          priceClaim: { at: DEC + 5 * DAY, currentUnitToHandFen: 18_000 },
        },
        {
          sku: 'mug',
          paidAt: DEC,
          pickupAt: DEC + HOUR,
          priceClaim: { at: DEC + 20 * DAY, currentUnitToHandFen: 18_000 },
        },
      ],
      horizonDays: 25,
    }),
    expected: [row(0, 'price_protection', 'PRICE-5', 2_000), row(1, 'price_protection_refused', 'PRICE-5')],
  },
  'ruleset 2022-04-15 (2022 calendar): late after the window → PAY-1 of that version': {
    history: h('calendar-2022', {
      calendar: '2022',
      orders: [
        { sku: 'cup', paidAt: t('2022-12-01T10:00:00+08:00'), pickupAt: t('2022-12-04T10:00:00+08:00') },
      ],
    }),
    expected: [row(0, 'late_shipment', 'PAY-1', 6_000)],
  },
  'ruleset 2022-04-15: presale wave 1 late, complaint escalated → presale compensation of that version': {
    history: h('presale-2022', {
      calendar: '2022',
      skus: [pre],
      orders: [
        {
          sku: 'pre',
          orderedAt: t('2022-10-25T20:00:00+08:00'),
          paidAt: t('2022-11-01T10:00:00+08:00'),
          complainAt: t('2022-11-03T11:00:00+08:00'),
        },
      ],
    }),
    expected: presaleLate(0, 20_000, t('2022-11-05T11:00:00+08:00'), '2022'),
  },
}
