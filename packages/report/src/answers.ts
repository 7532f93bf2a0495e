import type { ArrivalBucket } from '@d11/store/analysis'
import {
  LAUNCH_ENDPOINT,
  type LatePickups,
  type LaunchLatency,
  latePickups,
  launchLatency,
  type PayoutLine,
  payoutsByCauseAndRule,
} from '@d11/store/answers'
import type { Store } from '@d11/store/connection'
import { shanghaiClock } from './chart.ts'
import type { Section } from './html.ts'

/**
 * The three questions a run report answers before any chart: did the 00:00 launch hold its latency
 * SLO, which orders missed the 48 h pickup (and whose), and what the payouts cost by cause and rule.
 * Each answer comes with a one-line verdict.
 */
export interface RunAnswers {
  /** Null when the load recorded no target stages (no launch second to find). */
  launch: LaunchLatency | null
  late: LatePickups
  payouts: PayoutLine[]
}

/** The wall second of the 00:00 launch: the arrival bucket with the highest target rate. */
export function launchSecond(arrival: readonly ArrivalBucket[]): number | null {
  let best: ArrivalBucket | undefined
  for (const a of arrival) if (a.targetRate > 0 && (!best || a.targetRate > best.targetRate)) best = a
  return best ? best.t : null
}

/** The launch endpoint's p99 SLO the run recorded (`parameters.slos[endpoint] = [p95, p99]`). */
export function recordedP99(parameters: Record<string, unknown> | undefined): number | undefined {
  const slos = parameters?.slos as Record<string, unknown> | undefined
  const pair = slos?.[LAUNCH_ENDPOINT]
  return Array.isArray(pair) && typeof pair[1] === 'number' ? pair[1] : undefined
}

export async function collectAnswers(
  store: Store,
  runId: string,
  arrival: readonly ArrivalBucket[],
  parameters?: Record<string, unknown>,
): Promise<RunAnswers> {
  const at = launchSecond(arrival)
  return {
    launch: at === null ? null : await launchLatency(store, runId, at, recordedP99(parameters)),
    late: await latePickups(store, runId),
    payouts: await payoutsByCauseAndRule(store, runId),
  }
}

const yuan = (fen: number) =>
  `¥${Math.floor(fen / 100).toLocaleString('en-US')}.${String(Math.abs(fen) % 100).padStart(2, '0')}`

/** One-line verdicts, in the order of the questions. */
export function verdicts(a: RunAnswers): { launch: string; late: string; payouts: string } {
  const l = a.launch
  const launch = !l
    ? 'no launch second recorded (the load ran without target stages)'
    : l.sloP99 === null
      ? `p99 ${l.p99.toFixed(1)} ms over ${l.requests} ${LAUNCH_ENDPOINT} requests (no p99 SLO declared)`
      : `${l.p99 < l.sloP99 ? 'HELD' : 'BROKE'}: p99 ${l.p99.toFixed(1)} ms vs SLO ${l.sloP99} ms over ${l.requests} ${LAUNCH_ENDPOINT} requests`
  const worst = a.late.merchants[0]
  const late =
    a.late.late === 0
      ? `none of ${a.late.judged} judged orders missed the 48 h pickup`
      : `${a.late.late} of ${a.late.judged} orders missed the 48 h pickup (SHIP-1), ${a.late.merchants.length} merchants responsible, worst ${worst?.merchantId} (${worst?.late}); ${a.late.withheld} withheld inside PAY-2's window (${yuan(a.late.withheldFen)})`
  const total = a.payouts.reduce((s, p) => s + p.amountFen, 0)
  const count = a.payouts.reduce((s, p) => s + p.payouts, 0)
  const payouts =
    count === 0
      ? 'no payouts'
      : `${count} payouts cost ${yuan(total)}: ${a.payouts.map((p) => `${p.cause} ${p.ruleId} ${yuan(p.amountFen)}`).join(', ')}`
  return { launch, late, payouts }
}

/** Terminal lines: the answers first. */
export function answersText(a: RunAnswers): string {
  const v = verdicts(a)
  const out = [
    `  launch   ${v.launch}`,
    `  pickup   ${v.late}`,
    ...a.late.merchants
      .slice(0, 5)
      .map((m) => `           ${m.merchantId.padEnd(18)} ${String(m.late).padStart(7)} late of ${m.judged}`),
    `  payouts  ${v.payouts}`,
    ...a.payouts.map(
      (p) =>
        `           ${`${p.cause} (${p.ruleId})`.padEnd(28)} ${String(p.payouts).padStart(7)}  ${yuan(p.amountFen)}`,
    ),
  ]
  return out.join('\n')
}

/** The HTML section that opens the report. */
export function answersSection(a: RunAnswers): Section {
  const v = verdicts(a)
  const launchAt = a.launch
    ? ` (launch at ${shanghaiClock(a.launch.at)} UTC+8 wall clock, one minute on)`
    : ''
  return {
    title: 'Answers',
    text: `Launch minute${launchAt} — ${v.launch}. 48 h pickup — ${v.late}. Payouts — ${v.payouts}.`,
    table: {
      columns: ['question', 'verdict'],
      rows: [
        ['p99 in the launch minute vs its SLO', v.launch],
        ['orders that missed the 48 h pickup', v.late],
        ['payouts by cause and rule', v.payouts],
        ...a.late.merchants.map((m) => [`late pickups: ${m.merchantId}`, `${m.late} of ${m.judged}`]),
        ...a.payouts.map((p) => [`payouts: ${p.cause} (${p.ruleId})`, `${p.payouts} · ${yuan(p.amountFen)}`]),
      ],
      numeric: [],
    },
  }
}
