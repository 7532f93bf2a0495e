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
  const iso = new Date(ms + 8 * 3_600_000).toISOString()
  return `${iso.slice(5, 10)} ${iso.slice(11, withSeconds ? 19 : 16)}`
}

/** A time-series line chart: one line per series over shared x labels. */
export function lineChart(opts: {
  title?: string
  x: string[]
  series: Array<{ name: string; data: Array<number | null>; dashed?: boolean; area?: boolean }>
  yName?: string
}): ChartOption {
  return {
    color: PALETTE,
    title: opts.title ? { text: opts.title, left: 'center', textStyle: { fontSize: 14 } } : undefined,
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    grid: { left: 60, right: 24, top: opts.title ? 40 : 16, bottom: 56 },
    xAxis: { type: 'category', data: opts.x, boundaryGap: false },
    yAxis: { type: 'value', name: opts.yName },
    series: opts.series.map((s) => ({
      name: s.name,
      type: 'line',
      data: s.data,
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
}): ChartOption {
  const cat = { type: 'category' as const, data: opts.categories }
  const val = { type: 'value' as const, name: opts.valueName }
  return {
    color: PALETTE,
    title: opts.title ? { text: opts.title, left: 'center', textStyle: { fontSize: 14 } } : undefined,
    tooltip: { trigger: 'axis' },
    legend: opts.series.length > 1 ? { bottom: 0 } : undefined,
    grid: {
      left: opts.horizontal ? 120 : 60,
      right: 24,
      top: opts.title ? 40 : 16,
      bottom: opts.series.length > 1 ? 56 : 32,
    },
    xAxis: opts.horizontal ? val : cat,
    yAxis: opts.horizontal ? { ...cat, inverse: true } : val,
    series: opts.series.map((s) => ({
      name: s.name,
      type: 'bar',
      data: s.data,
      stack: opts.stack ? 'total' : undefined,
    })),
  }
}
