import type { ChartMarks } from './chart.ts'

/**
 * What the load charts mark on their wall-clock axis: the warm-up greyed (it is not the run) and
 * the launch minute — the wall minute from the second the 00:00 launch was due — shaded, with a
 * line on the launch second itself.
 */
export interface LoadMarks {
  /** Wall instant of the 00:00 launch (the launch answer's), null when the run recorded none. */
  launchAt: number | null
  /** Wall length of the launch minute, ms. */
  launchSpanMs: number
  /** Wall span of the warm-up samples, when the load ran one. */
  warmup?: { from: number; to: number }
}

export const WARMUP_COLOR = 'rgba(134, 142, 150, 0.22)'
export const LAUNCH_COLOR = 'rgba(194, 37, 92, 0.08)'

/** Label of the line on the launch second. */
export const LAUNCH_LABEL = '00:00 launch'

/** `marks` placed on an axis of `bucketS` buckets starting at `ts` (one label per bucket). */
export function marksOnAxis(
  axis: { ts: number[]; labels: string[] },
  bucketS: number,
  marks: LoadMarks,
): ChartMarks {
  const first = axis.ts[0]
  const last = axis.ts.at(-1)
  if (first === undefined || last === undefined) return {}
  const width = bucketS * 1000
  const end = last + width
  const index = (t: number) => Math.min(axis.ts.length - 1, Math.max(0, Math.floor((t - first) / width)))
  /** The label of the bucket holding `t`, clamped to the axis. */
  const at = (t: number) => axis.labels[index(t)]!
  /** The label closing a span from `from` to `to`: at least the next bucket, so it never has zero width. */
  const until = (from: number, to: number) =>
    axis.labels[Math.min(axis.ts.length - 1, Math.max(index(to), index(from) + 1))]!
  const out: Required<ChartMarks> = { areas: [], lines: [] }
  const w = marks.warmup
  if (w && w.to >= first && w.from < end)
    out.areas.push({ from: at(w.from), to: until(w.from, w.to), label: 'warm-up', color: WARMUP_COLOR })
  const l = marks.launchAt
  if (l !== null && l >= first && l < end) {
    out.areas.push({
      from: at(l),
      to: until(l, Math.min(l + marks.launchSpanMs - 1, end - 1)),
      label: 'launch minute',
      color: LAUNCH_COLOR,
    })
    out.lines.push({ at: at(l), label: LAUNCH_LABEL })
  }
  return out
}
