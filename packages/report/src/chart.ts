import { shanghaiDay, toShanghaiIso } from '@d11/time/shanghai'
import * as echarts from 'echarts'

/**
 * `@d11/report/chart`: Apache ECharts rendered server-side to an SVG string — no DOM, no
 * browser, no network. Animation is switched off so the SVG is the final frame.
 *
 * ```ts
 * const svg = renderChart({ xAxis: { type: 'category', data: ['a', 'b'] }, yAxis: {}, series: [{ type: 'bar', data: [1, 2] }] })
 * ```
 */

export type ChartOption = echarts.EChartsOption

export interface ChartSize {
  /** @default 800 */
  width?: number
  /** @default 320 */
  height?: number
}

/** Renders one ECharts option to a standalone `<svg>` string. */
export function renderChart(option: ChartOption, size: ChartSize = {}): string {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: size.width ?? 800,
    height: size.height ?? 320,
  })
  try {
    chart.setOption({ animation: false, ...option })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}

/** Palette shared by d11 charts (colour-blind friendly order). */
export const PALETTE = [
  '#2f6fdf',
  '#e8590c',
  '#2b8a3e',
  '#c2255c',
  '#7048e8',
  '#0b7285',
  '#e67700',
  '#495057',
]

/** Epoch ms → `MM-DD HH:mm` in Asia/Shanghai (simulated time), independent of the host zone. */
export function shanghaiLabel(ms: number, withSeconds = false): string {
  const iso = toShanghaiIso(ms)
  return `${iso.slice(5, 10)} ${iso.slice(11, withSeconds ? 19 : 16)}`
}

/** Epoch ms → `HH:mm:ss` (or `HH:mm`) in Asia/Shanghai, independent of the host zone. */
export function shanghaiClock(ms: number, withSeconds = true): string {
  return toShanghaiIso(ms).slice(11, withSeconds ? 19 : 16)
}

/** Epoch ms → `YYYY-MM-DD` in Asia/Shanghai. */
export function shanghaiDate(ms: number): string {
  return shanghaiDay(ms)
}

/** Axis name under the x axis (centred) or beside the y axis. */
const X_NAME = { nameLocation: 'middle' as const, nameGap: 28 }

/**
 * Spans and instants marked on a category x axis, by label: shaded areas (a warm-up greyed, the
 * launch minute) and vertical lines (the 00:00 second).
 */
export interface ChartMarks {
  areas?: Array<{ from: string; to: string; label: string; color: string }>
  lines?: Array<{ at: string; label: string; color?: string }>
}

/** The ECharts markArea / markLine of `marks`, carried by one series. */
function markOption(marks: ChartMarks): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (marks.areas?.length) {
    out.markArea = {
      silent: true,
      label: { position: 'insideTop', color: '#495057', fontSize: 11 },
      data: marks.areas.map((a) => [
        { name: a.label, xAxis: a.from, itemStyle: { color: a.color } },
        { xAxis: a.to },
      ]),
    }
  }
  if (marks.lines?.length) {
    out.markLine = {
      silent: true,
      symbol: 'none',
      label: { formatter: '{b}', position: 'end', fontSize: 11 },
      data: marks.lines.map((l) => ({
        name: l.label,
        xAxis: l.at,
        lineStyle: { color: l.color ?? '#c2255c', type: 'solid', width: 1.5 },
      })),
    }
  }
  return out
}

/** A time-series line chart: one line per series over shared x labels. */
export function lineChart(opts: {
  title?: string
  x: string[]
  series: Array<{ name: string; data: Array<number | null>; dashed?: boolean; area?: boolean }>
  yName?: string
  /** x axis name, e.g. `wall clock (UTC+8)`. */
  xName?: string
  /** Areas and lines marked on the x axis (drawn with the first series). */
  marks?: ChartMarks
}): ChartOption {
  const top = (opts.title ? 40 : 16) + 24
  return {
    color: PALETTE,
    title: opts.title ? { text: opts.title, left: 'center', textStyle: { fontSize: 14 } } : undefined,
    tooltip: { trigger: 'axis' },
    legend: { top: opts.title ? 24 : 0, type: 'scroll' },
    grid: { left: 60, right: 24, top: top + 8, bottom: opts.xName ? 48 : 32 },
    xAxis: { type: 'category', data: opts.x, boundaryGap: false, name: opts.xName, ...X_NAME },
    yAxis: { type: 'value', name: opts.yName },
    series: opts.series.map((s, i) => ({
      name: s.name,
      type: 'line',
      data: s.data,
      connectNulls: false,
      showSymbol: opts.x.length <= 30,
      lineStyle: s.dashed ? { type: 'dashed' } : undefined,
      areaStyle: s.area ? { opacity: 0.15 } : undefined,
      ...(i === 0 && opts.marks ? markOption(opts.marks) : {}),
    })),
  }
}

/**
 * Lines over a numeric x axis (points `[x, y]`), e.g. latency against arrival rate; `lines` marks
 * vertical lines at x values. Series with the same `color` read as one family (p50 dashed, p99 solid).
 */
export function xyChart(opts: {
  series: Array<{ name: string; data: Array<[number, number]>; dashed?: boolean; color?: string }>
  xName: string
  yName: string
  lines?: Array<{ x: number; label: string }>
}): ChartOption {
  return {
    color: PALETTE,
    tooltip: { trigger: 'item' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 60, right: 40, top: 48, bottom: 48 },
    xAxis: { type: 'value', name: opts.xName, min: 0, ...X_NAME },
    yAxis: { type: 'value', name: opts.yName },
    series: opts.series.map((s, i) => ({
      name: s.name,
      type: 'line',
      data: s.data,
      showSymbol: true,
      symbolSize: 5,
      itemStyle: s.color ? { color: s.color } : undefined,
      lineStyle: {
        ...(s.color ? { color: s.color } : {}),
        ...(s.dashed ? { type: 'dashed', width: 1 } : {}),
      },
      ...(i === 0 && opts.lines?.length
        ? {
            markLine: {
              silent: true,
              symbol: 'none',
              label: { formatter: '{b}', position: 'end', fontSize: 11 },
              lineStyle: { color: '#c2255c', type: 'solid', width: 1.5 },
              data: opts.lines.map((l) => ({ name: l.label, xAxis: l.x })),
            },
          }
        : {}),
    })),
  }
}

/** A bar chart; `stack` stacks every series. `horizontal` puts categories on the y axis. */
export function barChart(opts: {
  title?: string
  categories: string[]
  series: Array<{ name: string; data: number[] }>
  stack?: boolean
  horizontal?: boolean
  valueName?: string
  /** Name of the category axis, e.g. `simulated hour (Asia/Shanghai)`. */
  categoryName?: string
  /** Fixed top of the value axis (e.g. 100 for percentages). */
  valueMax?: number
  /** Print each bar's value beside it (a 0 bar stays readable). */
  labels?: boolean
}): ChartOption {
  const legend = opts.series.length > 1
  const cat = { type: 'category' as const, data: opts.categories, name: opts.categoryName }
  const val = { type: 'value' as const, name: opts.valueName, max: opts.valueMax }
  const top = (opts.title ? 40 : 16) + (legend ? 24 : 0) + (opts.horizontal && opts.categoryName ? 16 : 0)
  return {
    color: PALETTE,
    title: opts.title ? { text: opts.title, left: 'center', textStyle: { fontSize: 14 } } : undefined,
    tooltip: { trigger: 'axis' },
    legend: legend ? { top: opts.title ? 24 : 0, type: 'scroll' } : undefined,
    grid: {
      left: opts.horizontal ? 120 : 60,
      right: opts.horizontal && opts.valueName ? 72 : 24,
      top: top + 8,
      bottom: opts.horizontal || opts.categoryName ? 48 : 32,
    },
    xAxis: opts.horizontal ? { ...val, ...X_NAME } : { ...cat, ...X_NAME },
    // Inverted, the category axis starts at the top: its name goes there.
    yAxis: opts.horizontal ? { ...cat, inverse: true, nameLocation: 'start' as const } : val,
    series: opts.series.map((s) => ({
      name: s.name,
      type: 'bar',
      data: s.data,
      stack: opts.stack ? 'total' : undefined,
      label: opts.labels ? { show: true, position: opts.horizontal ? 'right' : 'top' } : undefined,
    })),
  }
}
