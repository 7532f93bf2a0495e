import * as analysis from '@d11/store/analysis'
import type { Store } from '@d11/store/connection'
import { type LatencyBend, latencyBend } from '@d11/store/latency-bend'
import { getRun } from '@d11/store/runs'
import { type ShedBucket, type ShedSummary, shedByBucket, shedSummary } from '@d11/store/shed'
import { answersSection, answersText, collectAnswers, type RunAnswers } from './answers.ts'
import { bendSection, bendVerdict } from './bend-section.ts'
import { barChart, lineChart, renderChart, shanghaiClock, shanghaiDate, shanghaiLabel } from './chart.ts'
import { htmlReport, type Section } from './html.ts'
import { marksOnAxis } from './load-marks.ts'
import { offendersSection } from './offenders-section.ts'

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
  /** Width of the load charts' buckets, seconds ({@link analysis.chooseBucket} of the run's span). */
  bucketS: analysis.BucketSeconds
  latency: analysis.LatencyBucket[]
  errors: analysis.ErrorBucket[]
  arrival: analysis.ArrivalBucket[]
  /** Requests answered 503 (shed by the platform) per second, same buckets as `arrival`. */
  shed: ShedBucket[]
  shedTotal: ShedSummary
  /** Platform events and SLA verdicts per simulated hour. */
  eventsByHour: analysis.EventHour[]
  slaByHour: analysis.SlaHour[]
  /** Simulated-time span of the SLA verdicts and of the payouts. */
  slaSpan: analysis.SimSpan
  payoutSpan: analysis.SimSpan
  sla: analysis.SlaCompliance[]
  merchants: analysis.MerchantSla[]
  byCause: analysis.PayoutGroup[]
  byRule: analysis.PayoutGroup[]
  byHour: analysis.PayoutHour[]
  top: analysis.PayoutGroup[]
  oversell: Array<analysis.PayoutGroup & { merchantId: string }>
  manifest: Awaited<ReturnType<typeof getRun>>
  /** The three questions, answered before the charts. */
  answers: RunAnswers
  /** Wall span of the load's warm-up (greyed on the load charts), when it ran one. */
  warmup?: { from: number; to: number }
  /** Latency against achieved arrival rate, this run and its stored runs at other peak rates. */
  bend: LatencyBend
}

/** Runs every report query (sequentially: the embedded engine serves one query at a time anyway). */
export async function collectRunReport(store: Store, runId: string): Promise<RunReportData> {
  const bucketS = (await analysis.loadSpan(store, runId))?.bucketS ?? 60
  // the launch second is found at 1 s resolution whatever the charts' bucket
  const launchArrival = await analysis.arrivalByBucket(store, runId, 1)
  const manifest = await getRun(store, runId)
  return {
    runId,
    answers: await collectAnswers(store, runId, launchArrival, manifest?.parameters),
    manifest,
    load: await analysis.loadSummary(store, runId),
    payouts: await analysis.payoutSummary(store, runId),
    bucketS,
    latency: await analysis.latencyByBucket(store, runId, bucketS),
    errors: await analysis.errorRateByBucket(store, runId, bucketS),
    arrival: await analysis.arrivalByBucket(store, runId, bucketS),
    shed: await shedByBucket(store, runId, bucketS),
    shedTotal: await shedSummary(store, runId),
    sla: await analysis.slaCompliance(store, runId),
    slaSpan: await analysis.simSpan(store, runId, 'sla_verdicts'),
    eventsByHour: await analysis.eventsByHour(store, runId),
    slaByHour: await analysis.slaByHour(store, runId),
    merchants: await analysis.slaByMerchant(store, runId, 200),
    byCause: await analysis.payoutsBy(store, runId, 'cause'),
    byRule: await analysis.payoutsBy(store, runId, 'rule_id'),
    byHour: await analysis.payoutsByHour(store, runId),
    payoutSpan: await analysis.simSpan(store, runId, 'payouts'),
    top: await analysis.topMerchantsByPayout(store, runId, 10),
    oversell: await analysis.oversellPayouts(store, runId, 20),
    warmup: await analysis.warmupSpan(store, runId),
    bend: await latencyBend(store, runId),
  }
}

const BUCKET_TEXT: Record<analysis.BucketSeconds, string> = {
  1: 'per second (runs under 2 minutes)',
  10: 'per 10 seconds (runs under 20 minutes)',
  60: 'per minute',
}

const TARGET_TEXT: Record<analysis.TargetSource, string> = {
  metric: 'the d11_target_rate metric the load emitted',
  stages: 'the ramping-arrival-rate stages the load ran (stages.json), averaged over each bucket',
  parameter: 'the run parameter targetRate',
  none: 'not recorded for this run',
}

/**
 * The shared wall-clock x axis of the load charts: every bucket from the first to the last one
 * any of them has, labelled `HH:mm:ss` (or `MM-DD HH:mm` per minute) in UTC+8.
 */
export function wallAxis(d: Pick<RunReportData, 'arrival' | 'latency' | 'errors' | 'bucketS'>): {
  ts: number[]
  labels: string[]
  name: string
} {
  const all = [...d.arrival.map((a) => a.t), ...d.latency.map((r) => r.t), ...d.errors.map((r) => r.t)]
  if (all.length === 0) return { ts: [], labels: [], name: '' }
  const width = d.bucketS * 1000
  const ts: number[] = []
  for (let t = Math.min(...all); t <= Math.max(...all); t += width) ts.push(t)
  const first = ts[0] ?? 0
  return {
    ts,
    labels: ts.map((t) => (d.bucketS === 60 ? shanghaiLabel(t) : shanghaiClock(t))),
    name:
      d.bucketS === 60
        ? 'wall clock (UTC+8)'
        : `wall clock, ${shanghaiDate(first)} (UTC+8), ${d.bucketS} s buckets`,
  }
}

const HOUR = 3_600_000

/** Every simulated hour from the first to the last of `hours` (a linear time axis). */
export function hourAxis(hours: number[]): number[] {
  if (hours.length === 0) return []
  const out: number[] = []
  for (let h = Math.min(...hours); h <= Math.max(...hours); h += HOUR) out.push(h)
  return out
}

const SIM_HOUR_AXIS = 'simulated hour (Asia/Shanghai)'

/** The events chart covers this many simulated hours up to the last event. */
const EVENTS_WINDOW_H = 7 * 24

/** `MM-DD HH:mm – MM-DD HH:mm` of a simulated span, Asia/Shanghai. */
function simRange(span: analysis.SimSpan): string {
  return `${shanghaiLabel(span.from)} – ${shanghaiLabel(span.to)}`
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
    answersText(d.answers),
    `  load     requests ${l.requests}  p50 ${ms(l.p50)}  p95 ${ms(l.p95)}  p99 ${ms(l.p99)}  errors ${pct(l.errorRate, 2)}`,
    `           iterations ${l.iterations}  dropped ${l.dropped}  achieved ${pct(l.achievedRatio)} of target  shed (503) ${d.shedTotal.shed} (${pct(d.shedTotal.shedRatio, 2)} of requests)`,
    `  bend     ${bendVerdict(d.bend)}`,
  ]
  // payouts by cause and rule are the answers' third line: not repeated here
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
  const sections: Section[] = [answersSection(d.answers)]
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
      {
        label: 'shed (503)',
        value: `${d.shedTotal.shed.toLocaleString('en-US')} (${pct(d.shedTotal.shedRatio, 2)})`,
        bad: d.shedTotal.shed > 0,
      },
      { label: 'payouts', value: yuan(d.payouts.amountFen), bad: d.payouts.amountFen > 0 },
      {
        label: 'oversell payouts (PAY-3)',
        value: yuan(d.payouts.oversellFen),
        bad: d.payouts.oversellFen > 0,
      },
    ],
  })

  const axis = wallAxis(d)
  // the warm-up greyed, the launch minute shaded and its second lined on every load chart
  const marks = marksOnAxis(axis, d.bucketS, {
    launchAt: d.answers.launch?.at ?? null,
    launchSpanMs: d.answers.launch?.spanMs ?? 60_000,
    warmup: d.warmup,
  })
  const marked = [
    d.answers.launch ? ' The launch minute is shaded, a line on its 00:00 second.' : '',
    d.warmup ? ' The warm-up before the window is greyed.' : '',
  ].join('')
  if (d.arrival.length > 0) {
    const by = new Map(d.arrival.map((a) => [a.t, a]))
    const shedBy = new Map(d.shed.map((s) => [s.t, s.shedRate]))
    const source = d.arrival.find((a) => a.targetSource !== 'none')?.targetSource ?? 'none'
    sections.push({
      title: 'Arrival rate: target vs achieved, and shed',
      text: `Iterations started per second (k6 \`iterations\`) against the target, ${BUCKET_TEXT[d.bucketS]}, wall-clock time. Target: ${TARGET_TEXT[source]}. Shed/s: requests the platform answered 503 (past capacity, with Retry-After), from the status of the stored k6 \`http_reqs\` samples.${marked}`,
      svg: renderChart(
        lineChart({
          x: axis.labels,
          xName: axis.name,
          yName: 'arrivals/s',
          marks,
          series: [
            { name: 'target', data: axis.ts.map((t) => round(by.get(t)?.targetRate ?? 0)), dashed: true },
            {
              name: 'achieved',
              data: axis.ts.map((t) => round(by.get(t)?.achievedRate ?? 0)),
              area: true,
            },
            { name: 'dropped/s', data: axis.ts.map((t) => round((by.get(t)?.dropped ?? 0) / d.bucketS)) },
            { name: 'shed/s (503)', data: axis.ts.map((t) => round(shedBy.get(t) ?? 0)) },
          ],
        }),
      ),
    })
  }

  if (d.latency.length > 0) {
    // setup()/teardown() requests carry no scenario tag: left out when the scenarios have data;
    // the warm-up is greyed, its latency is not the run's.
    const measured = d.latency.filter((r) => r.scenario !== analysis.WARMUP_SCENARIO)
    const tagged = measured.some((r) => r.scenario !== '')
    const rows = tagged ? measured.filter((r) => r.scenario !== '') : measured
    const scenarios = [...new Set(rows.map((r) => r.scenario))].slice(0, 4)
    const series = scenarios.flatMap((sc) => {
      const by = new Map(rows.filter((r) => r.scenario === sc).map((r) => [r.t, r]))
      const name = (p: string) => (scenarios.length > 1 || sc === '' ? `${sc || 'setup'} ${p}` : p)
      return (['p50', 'p95', 'p99'] as const).map((p) => ({
        name: name(p),
        data: axis.ts.map((t) => {
          const r = by.get(t)
          return r ? round(r[p]) : null
        }),
      }))
    })
    const leftOut = tagged && d.latency.some((r) => r.scenario === '')
    sections.push({
      title: 'Latency percentiles over time',
      text: `\`http_req_duration\` p50 / p95 / p99 (ms) ${BUCKET_TEXT[d.bucketS]} and scenario, wall-clock time${leftOut ? '; setup()/teardown() requests (no scenario tag) are left out' : ''}${d.warmup ? "; the warm-up's requests are left out" : ''}.${marked}`,
      svg: renderChart(lineChart({ x: axis.labels, xName: axis.name, yName: 'ms', series, marks })),
    })
  }
  const bend = bendSection(d.bend)
  if (bend) sections.push(bend)

  if (d.errors.length > 0) {
    const agg = axis.ts.map((t) => {
      const rows = d.errors.filter((r) => r.t === t)
      const req = rows.reduce((a, r) => a + r.requests, 0)
      return req > 0 ? round((100 * rows.reduce((a, r) => a + r.failed, 0)) / req) : null
    })
    sections.push({
      title: 'Error rate over time',
      text: `Share of failed requests (k6 \`http_req_failed\`), all scenarios, ${BUCKET_TEXT[d.bucketS]}, wall-clock time.${marked}`,
      svg: renderChart(
        lineChart({
          x: axis.labels,
          xName: axis.name,
          yName: '% failed',
          marks,
          series: [{ name: 'error rate %', data: agg, area: true }],
        }),
        { height: 260 },
      ),
    })
  }

  if (d.eventsByHour.length > 0) {
    // The run's own week: events stamped with older simulated times (a world's registrations
    // months before the festival) would stretch the axis over a year.
    const since = Math.max(...d.eventsByHour.map((r) => r.hour)) - EVENTS_WINDOW_H * HOUR
    const rows = d.eventsByHour.filter((r) => r.hour >= since)
    const older = d.eventsByHour.filter((r) => r.hour < since).reduce((a, r) => a + r.events, 0)
    const hours = hourAxis(rows.map((r) => r.hour))
    const totals = new Map<string, number>()
    for (const r of rows) totals.set(r.kind, (totals.get(r.kind) ?? 0) + r.events)
    const kinds = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    const shown = kinds.slice(0, 7).map(([k]) => k)
    const other = kinds.length > shown.length
    const count = (h: number, pick: (kind: string) => boolean) =>
      rows.filter((r) => r.hour === h && pick(r.kind)).reduce((a, r) => a + r.events, 0)
    sections.push({
      title: 'Platform events over simulated time',
      text: `Platform events per simulated hour (Asia/Shanghai), stacked by kind: the load's window and the settle stage after it.${other ? ' Kinds beyond the seven most frequent are summed as "other".' : ''}${older > 0 ? ` ${older.toLocaleString('en-US')} events stamped more than ${EVENTS_WINDOW_H / 24} simulated days before the last one (e.g. the world's registrations) are left out.` : ''}`,
      svg: renderChart(
        barChart({
          categories: hours.map((h) => shanghaiLabel(h)),
          stack: true,
          valueName: 'events',
          categoryName: SIM_HOUR_AXIS,
          series: [
            ...shown.map((k) => ({ name: k, data: hours.map((h) => count(h, (x) => x === k)) })),
            ...(other
              ? [{ name: 'other', data: hours.map((h) => count(h, (x) => !shown.includes(x))) }]
              : []),
          ],
        }),
        { height: 340 },
      ),
    })
  }

  if (d.sla.length > 0) {
    sections.push({
      title: 'SLA compliance',
      text:
        d.slaSpan.rows > 0
          ? `Share of verdicts met per SLA metric; the verdicts were judged at simulated time ${simRange(d.slaSpan)} (Asia/Shanghai).`
          : 'Share of verdicts met per SLA metric.',
      svg: renderChart(
        barChart({
          categories: d.sla.map((s) => SLA_LABEL[s.metric] ?? s.metric),
          series: [{ name: '% met', data: d.sla.map((s) => round(100 * s.rate)) }],
          horizontal: true,
          valueName: '% met',
          valueMax: 100,
          labels: true,
          categoryName: 'SLA metric',
        }),
        { height: 100 + 40 * d.sla.length },
      ),
      table: {
        columns: ['metric', 'rule', 'verdicts', 'met', 'rate'],
        rows: d.sla.map((s) => [SLA_LABEL[s.metric] ?? s.metric, s.ruleId, s.verdicts, s.ok, pct(s.rate)]),
      },
    })
  }

  if (d.slaByHour.length > 0) {
    const hours = hourAxis(d.slaByHour.map((r) => r.hour))
    const sum = (h: number, f: (r: analysis.SlaHour) => number) =>
      d.slaByHour.filter((r) => r.hour === h).reduce((a, r) => a + f(r), 0)
    sections.push({
      title: 'SLA verdicts over simulated time',
      text: 'Verdicts met and missed per simulated hour (Asia/Shanghai) in which they were judged, all SLA metrics.',
      svg: renderChart(
        barChart({
          categories: hours.map((h) => shanghaiLabel(h)),
          stack: true,
          valueName: 'verdicts',
          categoryName: SIM_HOUR_AXIS,
          series: [
            { name: 'met', data: hours.map((h) => sum(h, (r) => r.ok)) },
            { name: 'missed', data: hours.map((h) => sum(h, (r) => r.verdicts - r.ok)) },
          ],
        }),
        { height: 280 },
      ),
    })
  }

  if (d.byHour.length > 0) {
    const hours = hourAxis(d.byHour.map((r) => r.hour))
    const causes = [...new Set(d.byHour.map((r) => r.cause))].sort()
    sections.push({
      title: 'Payouts by cause over time',
      text: `Compensation paid per simulated hour (yuan), stacked by cause; simulated time ${simRange(d.payoutSpan)} (Asia/Shanghai).`,
      svg: renderChart(
        barChart({
          categories: hours.map((h) => shanghaiLabel(h)),
          stack: true,
          valueName: 'yuan',
          categoryName: SIM_HOUR_AXIS,
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

  const offenders = offendersSection(d, yuan, pct)
  if (offenders) sections.push(offenders)

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
      ? `${m.kind} run, ${m.status}; seed ${m.seed}, scale ${m.scale ?? String(m.parameters?.scale ?? '–')}, calendar ${m.calendar || '–'}, scenario ${m.scenario || '–'}, git ${m.gitSha || '–'}`
      : 'no run manifest recorded; figures from the loaded samples and evidence',
    sections,
  })
}

function round(x: number): number {
  return Math.round(x * 100) / 100
}
