import * as analysis from '@d11/store/analysis'
import type { Store } from '@d11/store/connection'
import { getRun } from '@d11/store/runs'
import { barChart, lineChart, renderChart, shanghaiLabel } from './chart.ts'
import { htmlReport, type Section } from './html.ts'

/**
 * `@d11/report/run-report`: the report of one run from the store — a terminal summary and one
 * self-contained HTML file (arrival target vs achieved, latency percentiles, error rate, SLA
 * compliance, payouts by cause over time, top offenders, oversell).
 */

/** Integer fen → `¥1,234.50` (yuan only at the edge). */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}¥${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`
}

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`
const ms = (x: number) => `${x.toFixed(1)} ms`

const SLA_LABEL: Record<string, string> = {
  pickup_48h: '48 h pickup (SHIP-1)',
  trace_24h: '24 h trace (SHIP-2)',
  reply_rate: 'reply rate (EXP-1)',
  manual_response_time: 'manual response (EXP-2)',
  experience_score: 'experience score (EXP-3)',
  complaint_48h: 'complaint handled 48 h (PAY-5)',
}

export interface RunReportData {
  runId: string
  load: analysis.LoadSummary
  payouts: analysis.PayoutSummary
  latency: analysis.LatencyMinute[]
  errors: analysis.ErrorMinute[]
  arrival: analysis.ArrivalMinute[]
  sla: analysis.SlaCompliance[]
  merchants: analysis.MerchantSla[]
  byCause: analysis.PayoutGroup[]
  byRule: analysis.PayoutGroup[]
  byHour: analysis.PayoutHour[]
  top: analysis.PayoutGroup[]
  oversell: Array<analysis.PayoutGroup & { merchantId: string }>
  manifest: Awaited<ReturnType<typeof getRun>>
}

/** Runs every report query (sequentially: the embedded engine serves one query at a time anyway). */
export async function collectRunReport(store: Store, runId: string): Promise<RunReportData> {
  return {
    runId,
    manifest: await getRun(store, runId),
    load: await analysis.loadSummary(store, runId),
    payouts: await analysis.payoutSummary(store, runId),
    latency: await analysis.latencyByMinute(store, runId),
    errors: await analysis.errorRateByMinute(store, runId),
    arrival: await analysis.arrivalByMinute(store, runId),
    sla: await analysis.slaCompliance(store, runId),
    merchants: await analysis.slaByMerchant(store, runId, 200),
    byCause: await analysis.payoutsBy(store, runId, 'cause'),
    byRule: await analysis.payoutsBy(store, runId, 'rule_id'),
    byHour: await analysis.payoutsByHour(store, runId),
    top: await analysis.topMerchantsByPayout(store, runId, 10),
    oversell: await analysis.oversellPayouts(store, runId, 20),
  }
}

/** True when the store holds nothing at all for the run. */
export function isEmptyRun(d: RunReportData): boolean {
  return (
    !d.manifest &&
    d.load.requests === 0 &&
    d.load.iterations === 0 &&
    d.payouts.payouts === 0 &&
    d.sla.length === 0
  )
}

/** Plain-text summary for the terminal. */
export function terminalSummary(d: RunReportData): string {
  const l = d.load
  const out = [
    `run ${d.runId}${d.manifest ? ` (${d.manifest.kind}, ${d.manifest.status}, seed ${d.manifest.seed})` : ''}`,
    `  load     requests ${l.requests}  p50 ${ms(l.p50)}  p95 ${ms(l.p95)}  p99 ${ms(l.p99)}  errors ${pct(l.errorRate, 2)}`,
    `           iterations ${l.iterations}  dropped ${l.dropped}  achieved ${pct(l.achievedRatio)} of target`,
    `  payouts  ${d.payouts.payouts} totalling ${yuan(d.payouts.amountFen)} (oversell ${yuan(d.payouts.oversellFen)})`,
  ]
  for (const c of d.byCause)
    out.push(`           ${c.key.padEnd(18)} ${String(c.payouts).padStart(7)}  ${yuan(c.amountFen)}`)
  if (d.sla.length > 0) {
    out.push('  SLA')
    for (const s of d.sla)
      out.push(
        `           ${(SLA_LABEL[s.metric] ?? s.metric).padEnd(32)} ${pct(s.rate).padStart(7)} of ${s.verdicts}`,
      )
  }
  if (d.top.length > 0) {
    out.push('  top offenders (payout)')
    for (const t of d.top.slice(0, 5))
      out.push(`           ${t.key.padEnd(18)} ${String(t.payouts).padStart(7)}  ${yuan(t.amountFen)}`)
  }
  return out.join('\n')
}

/** The HTML report (self-contained). */
export function runReportHtml(d: RunReportData): string {
  const l = d.load
  const sections: Section[] = []
  sections.push({
    title: 'Summary',
    figures: [
      { label: 'requests', value: l.requests.toLocaleString('en-US') },
      { label: 'p50 latency', value: ms(l.p50) },
      { label: 'p95 latency', value: ms(l.p95) },
      { label: 'p99 latency', value: ms(l.p99) },
      { label: 'error rate', value: pct(l.errorRate, 2), bad: l.errorRate > 0.01 },
      { label: 'dropped iterations', value: l.dropped.toLocaleString('en-US'), bad: l.dropped > 0 },
      { label: 'achieved of target', value: pct(l.achievedRatio), bad: l.achievedRatio < 0.99 },
      { label: 'payouts', value: yuan(d.payouts.amountFen), bad: d.payouts.amountFen > 0 },
      {
        label: 'oversell payouts (PAY-3)',
        value: yuan(d.payouts.oversellFen),
        bad: d.payouts.oversellFen > 0,
      },
    ],
  })

  if (d.arrival.length > 0) {
    const x = d.arrival.map((a) => shanghaiLabel(a.minute))
    sections.push({
      title: 'Arrival rate: target vs achieved',
      text: 'Iterations started per second (k6 `iterations`) against the target (`d11_target_rate` or the run parameters), per minute, Asia/Shanghai time.',
      svg: renderChart(
        lineChart({
          x,
          yName: 'arrivals/s',
          series: [
            { name: 'target', data: d.arrival.map((a) => round(a.targetRate)), dashed: true },
            { name: 'achieved', data: d.arrival.map((a) => round(a.achievedRate)), area: true },
            { name: 'dropped/s', data: d.arrival.map((a) => round(a.dropped / 60)) },
          ],
        }),
      ),
    })
  }

  if (d.latency.length > 0) {
    const minutes = [...new Set(d.latency.map((r) => r.minute))].sort((a, b) => a - b)
    const scenarios = [...new Set(d.latency.map((r) => r.scenario))].slice(0, 4)
    const series = scenarios.flatMap((sc) => {
      const by = new Map(d.latency.filter((r) => r.scenario === sc).map((r) => [r.minute, r]))
      const name = (p: string) => (scenarios.length > 1 ? `${sc || '(none)'} ${p}` : p)
      return (['p50', 'p95', 'p99'] as const).map((p) => ({
        name: name(p),
        data: minutes.map((m) => (by.get(m) ? round(by.get(m)?.[p] ?? 0) : null)),
      }))
    })
    sections.push({
      title: 'Latency percentiles over time',
      text: '`http_req_duration` p50 / p95 / p99 per minute and scenario (ms).',
      svg: renderChart(lineChart({ x: minutes.map((m) => shanghaiLabel(m)), yName: 'ms', series })),
    })
  }

  if (d.errors.length > 0) {
    const minutes = [...new Set(d.errors.map((r) => r.minute))].sort((a, b) => a - b)
    const agg = minutes.map((m) => {
      const rows = d.errors.filter((r) => r.minute === m)
      const req = rows.reduce((a, r) => a + r.requests, 0)
      return req > 0 ? round((100 * rows.reduce((a, r) => a + r.failed, 0)) / req) : 0
    })
    sections.push({
      title: 'Error rate over time',
      svg: renderChart(
        lineChart({
          x: minutes.map((m) => shanghaiLabel(m)),
          yName: '% failed',
          series: [{ name: 'error rate %', data: agg, area: true }],
        }),
        { height: 240 },
      ),
    })
  }

  if (d.sla.length > 0) {
    sections.push({
      title: 'SLA compliance',
      svg: renderChart(
        barChart({
          categories: d.sla.map((s) => SLA_LABEL[s.metric] ?? s.metric),
          series: [{ name: '% met', data: d.sla.map((s) => round(100 * s.rate)) }],
          horizontal: true,
          valueName: '% met',
        }),
        { height: 60 + 40 * d.sla.length },
      ),
      table: {
        columns: ['metric', 'rule', 'verdicts', 'met', 'rate'],
        rows: d.sla.map((s) => [SLA_LABEL[s.metric] ?? s.metric, s.ruleId, s.verdicts, s.ok, pct(s.rate)]),
      },
    })
  }

  if (d.byHour.length > 0) {
    const hours = [...new Set(d.byHour.map((r) => r.hour))].sort((a, b) => a - b)
    const causes = [...new Set(d.byHour.map((r) => r.cause))].sort()
    sections.push({
      title: 'Payouts by cause over time',
      text: 'Compensation paid per simulated hour (yuan), stacked by cause.',
      svg: renderChart(
        barChart({
          categories: hours.map((h) => shanghaiLabel(h)),
          stack: true,
          valueName: 'yuan',
          series: causes.map((c) => ({
            name: c,
            data: hours.map(
              (h) => (d.byHour.find((r) => r.hour === h && r.cause === c)?.amountFen ?? 0) / 100,
            ),
          })),
        }),
      ),
      table: {
        columns: ['cause', 'payouts', 'amount'],
        rows: d.byCause.map((c) => [c.key, c.payouts, yuan(c.amountFen)]),
      },
    })
    sections.push({
      title: 'Payouts by rule',
      table: {
        columns: ['rule', 'payouts', 'amount'],
        rows: d.byRule.map((c) => [c.key, c.payouts, yuan(c.amountFen)]),
      },
    })
  }

  if (d.top.length > 0 || d.merchants.length > 0) {
    const sla = new Map(d.merchants.map((m) => [m.merchantId, m]))
    const fmt = (v: number | null | undefined, f: (x: number) => string) =>
      v === null || v === undefined ? '–' : f(v)
    sections.push({
      title: 'Top offenders',
      text: 'Merchants with the largest payouts, with their SLA figures.',
      svg:
        d.top.length > 0
          ? renderChart(
              barChart({
                categories: d.top.map((t) => t.key),
                series: [{ name: 'yuan', data: d.top.map((t) => t.amountFen / 100) }],
                horizontal: true,
                valueName: 'yuan',
              }),
              { height: 60 + 28 * d.top.length },
            )
          : undefined,
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
    })
  }

  if (d.oversell.length > 0) {
    sections.push({
      title: 'Oversell payouts (PAY-3)',
      table: {
        columns: ['SKU', 'merchant', 'payouts', 'amount'],
        rows: d.oversell.map((o) => [o.key, o.merchantId, o.payouts, yuan(o.amountFen)]),
      },
    })
  }

  const m = d.manifest
  return htmlReport({
    title: `Double11 Lab report — run ${d.runId}`,
    subtitle: m
      ? `${m.kind} run, ${m.status}; seed ${m.seed}, scale ${m.scale}, calendar ${m.calendar || '–'}, scenario ${m.scenario || '–'}, git ${m.gitSha || '–'}`
      : 'no run manifest recorded; figures from the loaded samples and evidence',
    sections,
  })
}

function round(x: number): number {
  return Math.round(x * 100) / 100
}
