import type { LatencyBend, RunCurve } from '@d11/store/latency-bend'
import { BASELINE_BINS, BEND_FACTOR, BEND_MIN_RISE_MS, bendThreshold } from '@d11/store/latency-bend'
import { PALETTE, renderChart, xyChart } from './chart.ts'
import type { Section } from './html.ts'

/**
 * "Where latency bends": p50 and p99 against the arrival rate actually achieved, for this run and
 * every stored run of the same scenario and world at another `--peak-rps` (run twice to see two
 * curves), with a one-line verdict naming the rate where p99 bends.
 */

const rate = (x: number) => `${Math.round(x).toLocaleString('en-US')}/s`
const ms = (x: number) => `${x.toFixed(1)} ms`

const runName = (r: RunCurve) => (r.peakRps === null ? r.runId : `--peak-rps ${r.peakRps}`)

/** The one-line verdict. */
export function bendVerdict(b: LatencyBend): string {
  const base = b.baseline
  if (!base) return 'no second of the load had enough requests to place latency against its arrival rate'
  const drawn = b.runs.filter((r) => r.points.length > 0)
  const runs = drawn.length
  const over = `${runs} run${runs === 1 ? '' : 's'} at ${drawn.map(runName).join(', ')}`
  const top = Math.max(...b.pooled.map((p) => p.rate))
  if (b.bend) {
    const crossed =
      b.bend.reason === 'slo'
        ? `exceeds the ${b.sloP99} ms p99 SLO`
        : `exceeds ${ms(bendThreshold(base.p99))} (${BEND_FACTOR}× the p99 at the lowest rates, ${ms(base.p99)} up to ${rate(base.upToRate)}, and at least ${BEND_MIN_RISE_MS} ms more)`
    return `p99 bends at about ${rate(b.bend.rate)}: the lowest achieved rate whose p99 (${ms(b.bend.p99)}), and the next one's, ${crossed}; ${over}`
  }
  return `p99 does not bend up to ${rate(top)}, the highest rate achieved: no two adjacent rate bins pass ${ms(bendThreshold(base.p99))} (${BEND_FACTOR}× the ${ms(base.p99)} at the lowest rates, and at least ${BEND_MIN_RISE_MS} ms more)${b.sloP99 === null ? '' : ` or the ${b.sloP99} ms SLO`}; ${over}${runs === 1 ? ' (run again with --peak-rps doubled to find the bend)' : ''}`
}

export function bendSection(b: LatencyBend): Section | undefined {
  if (b.runs.every((r) => r.points.length === 0)) return undefined
  const series = b.runs.flatMap((r, i) => {
    const color = PALETTE[i % PALETTE.length]
    const name = runName(r)
    return [
      {
        name: `${name} p99`,
        color,
        data: r.points.map((p): [number, number] => [round(p.rate), round(p.p99)]),
      },
      {
        name: `${name} p50`,
        color,
        dashed: true,
        data: r.points.map((p): [number, number] => [round(p.rate), round(p.p50)]),
      },
    ]
  })
  return {
    title: 'Where latency bends',
    text: `${bendVerdict(b)}. Each wall second of the measured scenarios (no setup(), no warm-up) is placed by the arrival rate it achieved (iterations started that second); seconds are grouped in bins ${b.binWidth}/s wide and each bin's requests (at least 100) give p50 (dashed) and p99 (solid). One curve per stored run of the same scenario, seed, scale and calendar at another --peak-rps (the latest of each). p99 bends at the lowest rate whose p99 exceeds ${BEND_FACTOR}× the p99 at the lowest rates (the median of the ${BASELINE_BINS} lowest-rate bins) and is at least ${BEND_MIN_RISE_MS} ms above it${b.sloP99 === null ? '' : ` or the strictest p99 SLO (${b.sloP99} ms)`} and so does the next bin's, all runs' requests pooled.`,
    svg: renderChart(
      xyChart({
        series,
        xName: 'achieved arrivals/s',
        yName: 'ms',
        lines: b.bend ? [{ x: round(b.bend.rate), label: `bends ~${rate(b.bend.rate)}` }] : [],
      }),
      { height: 340 },
    ),
    table: {
      columns: ['run', 'peak rate', 'bins', 'highest achieved', 'p99 at the highest'],
      rows: b.runs.map((r) => {
        const top = r.points.at(-1)
        return [
          r.runId,
          r.peakRps === null ? '–' : `${r.peakRps}/s`,
          r.points.length,
          top ? rate(top.rate) : '–',
          top ? ms(top.p99) : '–',
        ]
      }),
    },
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100
}
