// A short, low-rate warm-up before the measured window, so its first second is no cold start: the
// platform's JIT, its handlers' first allocations and the runner's own code paths run before the
// launch is measured. Warm-up samples carry `phase:warmup`, the measured scenarios `phase:peak`;
// the thresholds judge `phase:peak` only (slo.js) and the report leaves the warm-up out.
import { config } from './config.js'

/** The warm-up scenario's name (the store finds warm-up samples by it). */
export const WARMUP_SCENARIO = 'warmup'

/** The tag every measured scenario carries; the thresholds filter on it. */
export const MEASURED_PHASE = 'phase:peak'

/** Warm-up arrivals/s: a tenth of the peak, between 5 and 50. */
export function warmupRate() {
  return Math.min(50, Math.max(5, Math.round(config.peakRps / 10)))
}

/** A `constant-arrival-rate` scenario running `exec` for WARMUP_S seconds; null when WARMUP_S=0. */
export function warmupScenario(exec) {
  if (config.warmupS === 0) return null
  const rate = warmupRate()
  return {
    executor: 'constant-arrival-rate',
    exec,
    rate,
    timeUnit: '1s',
    duration: `${config.warmupS}s`,
    preAllocatedVUs: Math.max(2, Math.ceil(rate / 2)),
    maxVUs: Math.max(10, rate),
    gracefulStop: '2s',
    tags: { flow: exec, phase: 'warmup' },
  }
}

/** `scenario` starting once the warm-up is over, tagged as measured. */
export function afterWarmup(scenario) {
  return Object.assign({}, scenario, {
    startTime: `${config.warmupS}s`,
    tags: Object.assign({}, scenario.tags, { phase: 'peak' }),
  })
}

/**
 * The named scenarios with the warm-up first (when WARMUP_S > 0) and every measured one after it:
 * `withWarmup({ checkout: arrival(...) }, 'warm')`.
 */
export function withWarmup(measured, exec) {
  const warm = warmupScenario(exec)
  const out = {}
  if (warm) out[WARMUP_SCENARIO] = warm
  for (const [name, scenario] of Object.entries(measured)) out[name] = afterWarmup(scenario)
  return out
}
