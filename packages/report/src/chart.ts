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

/** A time-series line chart: one line per series over shared x labels. */
export function lineChart(opts: {
  title?: string
  x: string[]
  series: Array<{ name: string; data: Array<number | null>; dashed?: boolean; area?: boolean }>
  yName?: string
  /** x axis name, e.g. `wall clock (UTC+8)`. */
  xName?: string
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
    series: opts.series.map((s) => ({
      name: s.name,
      type: 'line',
      data: s.data,
      connectNulls: false,
      showSymbol: opts.x.length <= 30,
      lineStyle: s.dashed ? { type: 'dashed' } : undefined,
      areaStyle: s.area ? { opacity: 0.15 } : undefined,
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
