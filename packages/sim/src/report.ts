import { barChart, type ChartOption, PALETTE, renderChart } from '@d11/report/chart'
import { htmlReport, type Section } from '@d11/report/html'
import type { CellRun } from './cell.ts'
import type { GridAxis } from './scenario.ts'

/**
 * The what-if report: a table of payouts and SLA rates per cell, a heatmap of the payout over the
 * first two grid axes and the payout by cause per cell, as one self-contained HTML file in the
 * load-run report's style (`@d11/report`).
 */

const yuan = (fen: number) => Math.round(fen / 100)
const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const fmtYuan = (fen: number) => `¥${yuan(fen).toLocaleString('en-US')}`

/** Heatmap of the total payout (yuan) over two axes; other axes fixed at their first value. */
export function payoutHeatmap(
  runs: CellRun[],
  x: GridAxis,
  y: GridAxis,
  fixed: Record<string, unknown>,
): ChartOption {
  const data: Array<[number, number, number]> = []
  let max = 0
  for (const r of runs) {
    if (Object.entries(fixed).some(([k, v]) => r.params[k] !== v)) continue
    const xi = x.values.indexOf(r.params[x.path]!)
    const yi = y.values.indexOf(r.params[y.path]!)
    if (xi < 0 || yi < 0) continue
    const v = yuan(r.result.payouts.totalFen)
    max = Math.max(max, v)
    data.push([xi, yi, v])
  }
  return {
    tooltip: { position: 'top' },
    grid: { left: 110, right: 40, top: 20, bottom: 90 },
    xAxis: {
      type: 'category',
      data: x.values.map(String),
      name: x.path,
      nameLocation: 'middle',
      nameGap: 28,
      splitArea: { show: true },
    },
    yAxis: {
      type: 'category',
      data: y.values.map(String),
      name: y.path,
      nameLocation: 'end',
      splitArea: { show: true },
    },
    visualMap: {
      min: 0,
      max: Math.max(1, max),
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      inRange: { color: ['#f6f8fa', '#ffd8a8', PALETTE[1] ?? '#e8590c', '#c92a2a'] },
      text: ['payout ¥', ''],
    },
    series: [{ name: 'payout (yuan)', type: 'heatmap', data, label: { show: true, fontSize: 12 } }],
  }
}

export interface WhatIfReportInput {
  title?: string
  scenario: string
  axes: GridAxis[]
  runs: CellRun[]
  /** line under the title, e.g. how the runs were stored */
  subtitle?: string
  /** whether each cell is a stored run of kind `whatif` (lists their run ids) @default true */
  stored?: boolean
}

export function whatIfReport(input: WhatIfReportInput): string {
  const { runs, axes } = input
  const sorted = [...runs].sort((a, b) => a.index - b.index)
  const totals = sorted.map((r) => r.result.payouts.totalFen)
  const worst = sorted[totals.indexOf(Math.max(...totals))]
  const best = sorted[totals.indexOf(Math.min(...totals))]
  const sections: Section[] = []
  sections.push({
    title: 'Summary',
    text:
      `${sorted.length} cell(s) of scenario "${input.scenario}". Payouts are judged by @d11/rules: SHIP-1 pickup deadline, ` +
      'PAY-1 late shipment (30 %, 5..500 yuan), PAY-2 no-auto-compensation window (only upheld complaints are paid), ' +
      'PAY-3 oversell, PAY-4 presale multiplier, PAY-5 48 h complaint handling, PAY-6 mass-delay warning/removal.',
    figures: [
      { label: 'cells', value: String(sorted.length) },
      ...(worst
        ? [
            {
              label: `highest payout (${worst.id})`,
              value: fmtYuan(worst.result.payouts.totalFen),
              bad: true,
            },
          ]
        : []),
      ...(best
        ? [{ label: `lowest payout (${best.id})`, value: fmtYuan(best.result.payouts.totalFen) }]
        : []),
    ],
  })
  const labels = sorted.map((r) => r.id)
  if (axes.length >= 2) {
    const [x, y, ...rest] = axes as [GridAxis, GridAxis, ...GridAxis[]]
    const fixed = Object.fromEntries(rest.map((a) => [a.path, a.values[0]]))
    const note = rest.length > 0 ? ` (${rest.map((a) => `${a.path}=${a.values[0]}`).join(', ')})` : ''
    sections.push({
      title: `Payout heatmap: ${x.path} × ${y.path}${note}`,
      svg: renderChart(payoutHeatmap(sorted, x, y, fixed), { width: 760, height: 420 }),
    })
  }
  sections.push({
    title: 'Payout by cause',
    svg: renderChart(
      barChart({
        categories: labels,
        series: [
          {
            name: 'late_shipment (PAY-1/PAY-4)',
            data: sorted.map((r) => yuan(r.result.payouts.late_shipment.amountFen)),
          },
          { name: 'oversell (PAY-3)', data: sorted.map((r) => yuan(r.result.payouts.oversell.amountFen)) },
        ],
        stack: true,
        horizontal: true,
        valueName: 'yuan',
      }),
      { width: 900, height: Math.max(240, 60 + sorted.length * 26) },
    ),
  })
  sections.push({
    title: 'Cells',
    text: 'late: SHIP-1 pickup deadline missed, by cause; CS ≤48h: complaints handled before the PAY-5 deadline.',
    table: {
      columns: [
        ...axes.map((a) => a.path.split('.').pop() ?? a.path),
        'oversold',
        'late: oversell',
        'late: capacity',
        'complaints',
        'late ship. ¥',
        'oversell ¥',
        'total ¥',
        'pickup ≤48h',
        'CS ≤48h',
        'PAY-6',
      ],
      rows: sorted.map((r) => {
        const x = r.result
        return [
          ...axes.map((a) => r.params[a.path] ?? ''),
          x.orders.oversold,
          x.late.oversell,
          x.late.capacity,
          x.complaints.filed,
          yuan(x.payouts.late_shipment.amountFen),
          yuan(x.payouts.oversell.amountFen),
          yuan(x.payouts.totalFen),
          pct(x.sla.pickup48hRate),
          pct(x.sla.complaint48hRate),
          x.massDelay.removedAt !== null ? 'removed' : x.massDelay.warnedAt !== null ? 'warned' : 'ok',
        ]
      }),
    },
  })
  if (input.stored !== false)
    sections.push({
      title: 'Runs',
      text: 'Each cell is one run of kind "whatif" in the store; its evidence rows carry the run id.',
      table: {
        columns: ['cell', 'run id', 'seed'],
        rows: sorted.map((r) => [r.id, r.runId, String(r.seed)]),
      },
    })
  return htmlReport({
    title: input.title ?? `What-if: ${input.scenario}`,
    ...(input.subtitle ? { subtitle: input.subtitle } : {}),
    sections,
  })
}
