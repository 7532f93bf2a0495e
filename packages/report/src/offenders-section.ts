import type * as analysis from '@d11/store/analysis'
import { barChart, renderChart } from './chart.ts'
import type { Section } from './html.ts'

/** The "Top offenders" section: merchants by payout (or by failed verdicts), with their SLA figures. */
export function offendersSection(
  d: { top: analysis.PayoutGroup[]; merchants: analysis.MerchantSla[] },
  yuan: (fen: number) => string,
  pct: (x: number) => string,
): Section | undefined {
  if (d.top.length === 0 && d.merchants.length === 0) return undefined

  const sla = new Map(d.merchants.map((m) => [m.merchantId, m]))
  const fmt = (v: number | null | undefined, f: (x: number) => string) =>
    v === null || v === undefined ? '–' : f(v)
  return {
    title: 'Top offenders',
    text:
      d.top.length > 0
        ? 'Merchants with the largest payouts, with their SLA figures.'
        : 'No payouts in this run: merchants with the most failed SLA verdicts, with their SLA figures.',
    svg:
      d.top.length > 0
        ? renderChart(
            barChart({
              categories: d.top.map((t) => t.key),
              series: [{ name: 'yuan', data: d.top.map((t) => t.amountFen / 100) }],
              horizontal: true,
              valueName: 'yuan',
              categoryName: 'merchant',
            }),
            { height: 100 + 28 * d.top.length },
          )
        : renderChart(
            barChart({
              categories: d.merchants.slice(0, 10).map((m) => m.merchantId),
              series: [{ name: 'failed verdicts', data: d.merchants.slice(0, 10).map((m) => m.failed) }],
              horizontal: true,
              valueName: 'failed verdicts',
              categoryName: 'merchant',
            }),
            { height: 100 + 28 * Math.min(10, d.merchants.length) },
          ),
    table: {
      columns: [
        'merchant',
        'payouts',
        'amount',
        '48 h pickup',
        '24 h trace',
        'EXP-1 reply',
        'EXP-2 manual s',
        'EXP-3 score',
        'failed verdicts',
      ],
      rows: (d.top.length > 0
        ? d.top.map((t) => t.key)
        : d.merchants.slice(0, 10).map((m) => m.merchantId)
      ).map((id) => {
        const t = d.top.find((x) => x.key === id)
        const m = sla.get(id)
        return [
          id,
          t?.payouts ?? 0,
          yuan(t?.amountFen ?? 0),
          fmt(m?.pickup48hRate, (v) => pct(v)),
          fmt(m?.trace24hRate, (v) => pct(v)),
          fmt(m?.replyRate, (v) => pct(v)),
          fmt(m?.manualResponseSec, (v) => v.toFixed(1)),
          fmt(m?.experienceScore, (v) => v.toFixed(2)),
          m?.failed ?? 0,
        ]
      }),
    },
  }
}
