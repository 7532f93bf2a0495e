// Parameters from __ENV (k6 -e KEY=VALUE or the environment), with the defaults every scenario uses.

function num(name, fallback) {
  const raw = __ENV[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`__ENV.${name} must be a positive number (got "${raw}")`)
  return value
}

/** A number >= 0 (0 switches something off). */
function nonNegative(name, fallback) {
  const raw = __ENV[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`__ENV.${name} must be a number >= 0 (got "${raw}")`)
  return value
}

function bool(name, fallback) {
  const raw = __ENV[name]
  if (raw === undefined || raw === '') return fallback
  return raw === '1' || raw === 'true'
}

const dataDir = (__ENV.DATA_DIR || '').replace(/\/$/, '')

/** The calendar the world was generated for (its manifest), unless CALENDAR says otherwise. */
function calendar() {
  if (__ENV.CALENDAR) return __ENV.CALENDAR
  if (dataDir) return String(JSON.parse(open(`${dataDir}/manifest.json`)).calendar)
  return '2022'
}

/** Everything a scenario reads from the environment. */
export const config = {
  /** mock platform, e.g. BASE_URL=http://127.0.0.1:3000 */
  baseUrl: (__ENV.BASE_URL || 'http://127.0.0.1:3000').replace(/\/$/, ''),
  /** a merchant service (merchant-direct), e.g. MERCHANT_URL=http://127.0.0.1:4000 */
  merchantUrl: (__ENV.MERCHANT_URL || 'http://127.0.0.1:4000').replace(/\/$/, ''),
  /** arrival rate of the busiest stage, iterations/s (ignored with STAGES_FILE or REPLAY) */
  peakRps: num('PEAK_RPS', 50),
  /** real seconds of low-rate warm-up before a measured window (peak-nov11; 0 = none) */
  warmupS: nonNegative('WARMUP_S', 5),
  /** simulated seconds per real second: a 1 h window runs 60 s at COMPRESS=60 */
  compress: num('COMPRESS', 60),
  /** a curve stages file (`d11 curve ... --k6 > stages.json`), absolute path */
  stagesFile: __ENV.STAGES_FILE || '',
  /** the generated world (`d11 gen --out DIR`), absolute path */
  dataDir,
  /** replay the world's own event timeline instead of the curve */
  replay: bool('REPLAY', false),
  /** POST /admin/world {dir: DATA_DIR} in setup() (set 0 when the world is already loaded) */
  loadWorld: bool('LOAD_WORLD', true),
  /** 2020 | 2022: the world's (manifest.json); the platform must run the same (D11_CALENDAR) */
  calendar: calendar(),
  /** cap on iterations' VUs per named scenario */
  maxVUs: num('MAX_VUS', 0),
  /** orders setup() prepares for final-payment / after-sale */
  setupOrders: num('SETUP_ORDERS', 200),
  /** where handleSummary writes the JSON summary ('' = none) */
  summaryFile: __ENV.SUMMARY_FILE || '',
}

export const JSON_HEADERS = { 'content-type': 'application/json' }
