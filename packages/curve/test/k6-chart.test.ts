import { getCalendar } from '@d11/rules/calendar'
import { parseShanghaiTime } from '@d11/time/shanghai'
import { describe, expect, it } from 'vitest'
import { renderCurveSvg, svgToPng } from '../src/chart.ts'
import { k6Stages } from '../src/k6.ts'

const at = (text: string) => parseShanghaiTime(text)!
const cal = getCalendar('2022')

describe('k6 ramping-arrival-rate stages', () => {
  const scenario = k6Stages({
    calendar: cal,
    from: at('2022-11-10T23:50'),
    to: at('2022-11-11T01:00'),
    compress: 60,
    peakRps: 2000,
  })

  it('covers the window in 10 s stages at the compression factor', () => {
    // 70 simulated minutes / 60 = 70 real seconds = 7 stages of 10 s.
    expect(scenario.stages).toHaveLength(7)
    expect(scenario.stages.every((s) => s.duration === '10s')).toBe(true)
    expect(scenario.meta.realSeconds).toBe(70)
    expect(scenario.executor).toBe('ramping-arrival-rate')
    expect(scenario.timeUnit).toBe('1s')
  })

  it('peaks at the requested rate in the stage holding Nov 11 00:00, then decays', () => {
    const targets = scenario.stages.map((s) => s.target)
    expect(Math.max(...targets)).toBe(2000)
    expect(targets.indexOf(2000)).toBe(1)
    expect(targets[2]!).toBeLessThan(targets[1]!)
    expect(targets[6]!).toBeLessThan(targets[2]!)
    expect(scenario.startRate).toBeLessThan(2000 / 5)
  })

  it('suggests VUs from the peak rate (Little law) and survives a JSON round trip for k6 open()', () => {
    expect(scenario.preAllocatedVUs).toBeGreaterThan(0)
    expect(scenario.maxVUs).toBeGreaterThanOrEqual(scenario.preAllocatedVUs)
    expect(JSON.parse(JSON.stringify(scenario))).toEqual(scenario)
  })

  it('shortens only the last stage when the window does not divide evenly', () => {
    const s = k6Stages({
      calendar: cal,
      from: at('2022-11-11T00:00'),
      to: at('2022-11-11T00:25'),
      compress: 60,
      peakRps: 10,
    })
    expect(s.stages.map((x) => x.duration)).toEqual(['10s', '10s', '5s'])
  })

  it('rejects a bad compression naming the flag', () => {
    expect(() => k6Stages({ calendar: cal, from: 0, to: 1, compress: 0, peakRps: 1 })).toThrow(/compress/)
  })
})

describe('chart (ECharts SSR)', () => {
  it('renders an SVG with both series and rasterizes it to PNG', async () => {
    const svg = await renderCurveSvg({
      calendar: cal,
      from: at('2022-11-10'),
      to: at('2022-11-12'),
      width: 600,
      height: 300,
    })
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('orders')
    expect(svg).toContain('consultations')
    const png = await svgToPng(svg)
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  })
})
