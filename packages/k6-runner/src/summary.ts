import { createHash } from 'node:crypto'
import type { Registry } from './metrics.ts'
import type { Threshold } from './thresholds.ts'

export interface CheckNode {
  name: string
  path: string
  id: string
  passes: number
  fails: number
}

export interface GroupNode {
  name: string
  path: string
  id: string
  groups: GroupNode[]
  checks: CheckNode[]
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex')

/** The group tree k6 reports as `root_group`, filled by `group()` and `check()`. */
export class Groups {
  readonly root: GroupNode = { name: '', path: '', id: md5(''), groups: [], checks: [] }
  private readonly byPath = new Map<string, GroupNode>([['', this.root]])

  group(path: string): GroupNode {
    let node = this.byPath.get(path)
    if (!node) {
      const i = path.lastIndexOf('::')
      const parent = this.group(path.slice(0, i))
      node = { name: path.slice(i + 2), path, id: md5(path), groups: [], checks: [] }
      parent.groups.push(node)
      this.byPath.set(path, node)
    }
    return node
  }

  check(groupPath: string, name: string, ok: boolean): void {
    const g = this.group(groupPath)
    let c = g.checks.find((x) => x.name === name)
    if (!c) {
      const path = `${groupPath}::${name}`
      c = { name, path, id: md5(path), passes: 0, fails: 0 }
      g.checks.push(c)
    }
    if (ok) c.passes++
    else c.fails++
  }
}

export interface SummaryMetric {
  type: string
  contains: string
  values: Record<string, number>
  thresholds?: Record<string, { ok: boolean }>
}

/** The object `handleSummary(data)` receives, in k6's shape. */
export interface SummaryData {
  root_group: GroupNode
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean }
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number }
  metrics: Record<string, SummaryMetric>
  setup_data?: unknown
}

export function buildSummary(
  registry: Registry,
  thresholds: Threshold[],
  groups: Groups,
  trendStats: string[],
  durationMs: number,
  setupData: unknown,
): SummaryData {
  const metrics: Record<string, SummaryMetric> = {}
  const byKey = new Map<string, Threshold[]>()
  for (const t of thresholds) byKey.set(t.metricKey, [...(byKey.get(t.metricKey) ?? []), t])
  const thresholdsOf = (key: string) => {
    const list = byKey.get(key)
    return list ? { thresholds: Object.fromEntries(list.map((t) => [t.source, { ok: t.ok }])) } : {}
  }
  for (const m of registry.metrics.values()) {
    if (m.sink.count > 0 || byKey.has(m.name)) {
      metrics[m.name] = {
        type: m.type,
        contains: m.contains,
        values: m.sink.summaryValues(trendStats, durationMs),
        ...thresholdsOf(m.name),
      }
    }
    for (const sub of m.submetrics) {
      const key =
        [...byKey.keys()].find((k) => k.replace(/\s/g, '') === sub.name.replace(/\s/g, '')) ?? sub.name
      metrics[sub.name] = {
        type: m.type,
        contains: m.contains,
        values: sub.sink.summaryValues(trendStats, durationMs),
        ...thresholdsOf(key),
      }
    }
  }
  const summary: SummaryData = {
    root_group: groups.root,
    options: { summaryTrendStats: trendStats, summaryTimeUnit: '', noColor: false },
    state: {
      isStdOutTTY: Boolean(process.stdout.isTTY),
      isStdErrTTY: Boolean(process.stderr.isTTY),
      testRunDurationMs: durationMs,
    },
    metrics,
  }
  if (setupData !== undefined) summary.setup_data = setupData
  return summary
}

function fmt(value: number, contains: string): string {
  if (contains === 'time') return value >= 1000 ? `${(value / 1000).toFixed(2)}s` : `${value.toFixed(2)}ms`
  if (contains === 'data')
    return value >= 1e6 ? `${(value / 1e6).toFixed(1)} MB` : `${(value / 1e3).toFixed(1)} kB`
  return Number.isInteger(value) ? String(value) : value.toFixed(4)
}

function checkLines(group: GroupNode, indent: string, out: string[]): void {
  for (const c of group.checks) {
    out.push(
      `${indent}${c.fails === 0 ? '✓' : '✗'} ${c.name}${c.fails ? ` (${c.passes} passed, ${c.fails} failed)` : ''}`,
    )
  }
  for (const g of group.groups) {
    out.push(`${indent}█ ${g.name}`)
    checkLines(g, `${indent}  `, out)
  }
}

/** A plain-text summary close to k6's end-of-test output (what runs when there is no handleSummary). */
export function textSummary(data: SummaryData): string {
  const out: string[] = []
  checkLines(data.root_group, '     ', out)
  if (out.length) out.push('')
  const names = Object.keys(data.metrics).sort()
  const width = Math.max(20, ...names.map((n) => n.length + 2))
  for (const name of names) {
    const m = data.metrics[name]!
    const th = m.thresholds ? Object.values(m.thresholds) : []
    const mark = th.length === 0 ? ' ' : th.every((t) => t.ok) ? '✓' : '✗'
    let values: string
    if (m.type === 'rate') {
      values = `${((m.values.rate ?? 0) * 100).toFixed(2)}% ✓ ${m.values.passes} ✗ ${m.values.fails}`
    } else if (m.type === 'counter') {
      values = `${fmt(m.values.count ?? 0, m.contains)} ${(m.values.rate ?? 0).toFixed(2)}/s`
    } else {
      values = Object.entries(m.values)
        .map(([k, v]) => `${k}=${fmt(v, m.contains)}`)
        .join(' ')
    }
    out.push(`   ${mark} ${name}${'.'.repeat(width - name.length)}: ${values}`)
  }
  return `\n${out.join('\n')}\n\n`
}
