import { describe, expect, it } from 'vitest'
import { barChart, lineChart, renderChart, shanghaiLabel } from '../src/chart.ts'
import { escapeHtml, htmlReport } from '../src/html.ts'
import { yuan } from '../src/run-report.ts'

describe('renderChart', () => {
  it('renders an ECharts option to a sized SVG string with the series drawn', () => {
    const svg = renderChart(
      lineChart({ x: ['00:00', '00:01', '00:02'], series: [{ name: 'p99', data: [120, 180, 90] }] }),
      {
        width: 640,
        height: 200,
      },
    )
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('width="640"')
    expect(svg).toContain('height="200"')
    expect(svg).toMatch(/<path[^>]+d="M/)
    expect(svg).toContain('p99')
  })

  it('bar charts carry their category labels', () => {
    const svg = renderChart(
      barChart({
        categories: ['m-000001', 'm-000002'],
        series: [{ name: 'yuan', data: [5, 3] }],
        horizontal: true,
      }),
    )
    expect(svg).toContain('m-000001')
    expect(svg).toContain('m-000002')
  })

  it('labels simulated time in Asia/Shanghai whatever the host zone', () => {
    expect(shanghaiLabel(Date.UTC(2022, 10, 10, 16, 0, 0))).toBe('11-11 00:00')
    expect(shanghaiLabel(Date.UTC(2022, 10, 10, 16, 0, 7), true)).toBe('11-11 00:00:07')
  })
})

describe('htmlReport', () => {
  it('is one self-contained document: inline CSS and SVG, escaped text, no scripts or remote URLs', () => {
    const svg = renderChart(lineChart({ x: ['a'], series: [{ name: 's', data: [1] }] }))
    const html = htmlReport({
      title: 'Run <peak> & co',
      subtitle: '"quoted"',
      sections: [
        { title: 'Chart', svg, text: '<b>not bold</b>' },
        { title: 'Table', table: { columns: ['merchant', 'payouts'], rows: [['m-1', 1234]] } },
        { title: 'Tiles', figures: [{ label: 'p99', value: '98 ms', bad: true }] },
      ],
    })
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('<title>Run &lt;peak&gt; &amp; co</title>')
    expect(html).toContain('&lt;b&gt;not bold&lt;/b&gt;')
    expect(html).toContain('&quot;quoted&quot;')
    expect(html).toContain('<td class="n">1,234</td>')
    expect(html).toContain('<div class="fig bad">')
    expect(html).toContain('<style>')
    expect(html).toContain(svg)
    expect(html).not.toMatch(/<script|<link|src="http|href="http|@import/)
  })

  it('escapeHtml covers the five special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
  })

  it('yuan formats integer fen at the edge', () => {
    expect(yuan(16_750_000)).toBe('¥167,500.00')
    expect(yuan(5)).toBe('¥0.05')
    expect(yuan(-1234)).toBe('-¥12.34')
  })
})
