import { MINUTE_MS, SHANGHAI_OFFSET_MS, toShanghaiIso } from '@d11/time/shanghai'
import { Curve, type CurveCalendar, floorMinute } from './curve.ts'
import { type CurveParams, defaultCurveParams } from './params.ts'

export interface ChartOptions {
  calendar: CurveCalendar
  from: number
  to: number
  /** @default 1200 */
  width?: number
  /** @default 500 */
  height?: number
  /** scale to this peak rate per second; relative units when absent */
  peakRps?: number
  params?: CurveParams
}

/** Downsamples to at most this many points per series so long windows stay light. */
const MAX_POINTS = 2000

/**
 * The orders and consultations curves over `[from, to)` as an SVG string, rendered by Apache
 * ECharts on the server (`renderer: 'svg', ssr: true`). Times are labelled in Asia/Shanghai.
 */
export async function renderCurveSvg(opts: ChartOptions): Promise<string> {
  const echarts = await import('echarts')
  const params = opts.params ?? defaultCurveParams()
  const width = opts.width ?? 1200
  const height = opts.height ?? 500
  const start = floorMinute(opts.from)
  const minutes = Math.max(1, Math.ceil((opts.to - start) / MINUTE_MS))
  const step = Math.max(1, Math.ceil(minutes / MAX_POINTS))
  const series = (['orders', 'consultations'] as const).map((stream) => {
    const w = new Curve(opts.calendar, stream, params).perMinute(start, start + minutes * MINUTE_MS)
    const pts: Array<[number, number]> = []
    for (let i = 0; i < w.length; i += step) {
      let m = 0
      for (let j = i; j < Math.min(w.length, i + step); j++) m = Math.max(m, w[j]!)
      pts.push([start + i * MINUTE_MS, m])
    }
    return { stream, pts }
  })
  const peak = Math.max(...series.flatMap((s) => s.pts.map((p) => p[1])))
  const scale = opts.peakRps ? opts.peakRps / peak : 1
  // Label in Shanghai time whatever the host zone: shift to a UTC axis and format as UTC.
  const shift = SHANGHAI_OFFSET_MS
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  chart.setOption({
    animation: false,
    title: {
      text: `Double 11 curve, calendar ${opts.calendar.id} (CAL-3)`,
      subtext: `${toShanghaiIso(opts.from)} → ${toShanghaiIso(opts.to)}`,
    },
    legend: { top: 8, right: 16 },
    grid: { left: 70, right: 30, top: 70, bottom: 50 },
    xAxis: {
      type: 'time',
      axisLabel: { formatter: (v: number) => new Date(v).toISOString().slice(5, 16).replace('T', ' ') },
    },
    yAxis: { type: 'value', name: opts.peakRps ? 'requests / s' : 'relative per minute' },
    series: series.map((s) => ({
      name: s.stream,
      type: 'line',
      showSymbol: false,
      data: s.pts.map(([t, v]) => [t + shift, Math.round(v * scale * 1000) / 1000]),
    })),
  })
  const svg = chart.renderToSVGString()
  chart.dispose()
  return svg
}

/** Rasterizes an SVG to PNG with resvg (a native binary shipped inside the npm package). */
export async function svgToPng(svg: string, width?: number): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js')
  const r = new Resvg(svg, {
    background: 'white',
    font: { loadSystemFonts: true },
    ...(width ? { fitTo: { mode: 'width' as const, value: width } } : {}),
  })
  return r.render().asPng()
}
