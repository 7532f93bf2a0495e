// Arrival-rate stages for a scenario window: from the curve (STAGES_FILE), from the world's own
// event timeline (REPLAY=1), or from a preset shape scaled to PEAK_RPS.
import { config } from './config.js'

/** Preset intensity shapes over the window, x in [0, 1); `m` is where the moment falls. */
export const PRESETS = {
  /** quiet before the moment, the launch-second spike, then a fast decay (CAL-3 style) */
  launch: (x, m) => (x < m ? 0.1 : 0.15 + 0.85 * Math.exp(-(x - m) * 12)),
  /** flat at the peak rate */
  plateau: () => 1,
  /** linear ramp to the peak over the first half, then flat */
  ramp: (x) => Math.min(1, 0.05 + x * 2),
}

/**
 * Preset stages: one stage per `stageSeconds` real seconds targeting the shape's mean over that
 * slice, scaled so the busiest stage reaches PEAK_RPS (as the curve's stages are).
 */
export function presetStages(preset, window, momentMs) {
  const shape = PRESETS[preset]
  if (!shape) throw new Error(`unknown stage preset "${preset}" (known: ${Object.keys(PRESETS).join(', ')})`)
  const realSeconds = Math.max(1, Math.round((window.to - window.from) / 1000 / config.compress))
  const stageSeconds = Math.max(1, Math.min(10, Math.floor(realSeconds / 12)))
  const m = (momentMs - window.from) / (window.to - window.from)
  const slices = []
  for (let t = 0; t < realSeconds; t += stageSeconds) {
    const duration = Math.min(stageSeconds, realSeconds - t)
    let sum = 0
    for (let i = 0; i < 20; i++) sum += shape((t + ((i + 0.5) / 20) * duration) / realSeconds, m)
    slices.push({ mean: sum / 20, duration })
  }
  const scale = config.peakRps / Math.max(...slices.map((s) => s.mean))
  return {
    startRate: Math.round(shape(0, m) * scale),
    stages: slices.map((s) => ({ target: Math.round(s.mean * scale), duration: `${s.duration}s` })),
  }
}

/**
 * The world's own timeline: per compressed second, a 0 s step to that second's event count and a
 * 1 s stage holding it, so the iterations started equal the events in the window exactly.
 */
export function replayStages(rows, window) {
  const bucketMs = 1000 * config.compress
  const n = Math.max(1, Math.ceil((window.to - window.from) / bucketMs))
  const counts = new Array(n).fill(0)
  for (const row of rows) {
    const i = Math.floor((row.simTime - window.from) / bucketMs)
    if (i >= 0 && i < n) counts[i] += 1
  }
  return {
    startRate: counts[0],
    stages: counts.flatMap((target) => [
      { target, duration: '0s' },
      { target, duration: '1s' },
    ]),
  }
}

/** The curve's k6 scenario (`d11 curve ... --k6 > stages.json`), k6 fields only. */
export function curveStages(file) {
  const curve = JSON.parse(open(file))
  if (!Array.isArray(curve.stages))
    throw new Error(`STAGES_FILE ${file} has no "stages" array (expected d11 curve --k6 output)`)
  return { startRate: curve.startRate || 0, stages: curve.stages }
}

/** Pre-allocated VUs per scenario at most (a 500/s launch needs ~250). */
const MAX_PREALLOCATED_VUS = 400

let curveCache
/**
 * A named `ramping-arrival-rate` scenario running `exec`, carrying `share` of the traffic.
 * `timeline` holds the world rows to replay (REPLAY=1); `preset` shapes it otherwise.
 */
export function arrival({ exec, share = 1, window, momentMs, preset = 'launch', timeline = [], tags = {} }) {
  let base
  if (config.stagesFile) {
    curveCache = curveCache || curveStages(config.stagesFile)
    base = curveCache
  } else if (config.replay) {
    base = replayStages(timeline, window)
    share = 1
  } else {
    base = presetStages(preset, window, momentMs)
  }
  const stages = base.stages.map((s) => ({ target: Math.round(s.target * share), duration: s.duration }))
  const peak = Math.max(Math.round(base.startRate * share), ...stages.map((s) => s.target), 1)
  // VUs initialised mid-spike run the init code (world rows) while the launch second is measured:
  // pre-allocate enough for the peak at ~0.5 s per iteration so the launch is no cold start
  // (capped: every VU holds its own copy of the init state).
  const preAllocatedVUs = Math.min(MAX_PREALLOCATED_VUS, Math.max(2, Math.ceil(peak * 0.5)))
  return {
    executor: 'ramping-arrival-rate',
    exec,
    startRate: Math.round(base.startRate * share),
    timeUnit: '1s',
    preAllocatedVUs,
    // as before: up to one VU per arrival/s of the peak
    maxVUs: config.maxVUs || Math.max(20, Math.ceil(peak), preAllocatedVUs),
    stages,
    gracefulStop: '10s',
    tags: Object.assign({ flow: exec }, tags),
  }
}
