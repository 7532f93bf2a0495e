import type { Command } from 'commander'

/**
 * `d11 load <scenario>`: one Double 11 peak against the platform with k6, or with the built-in
 * runner when k6 is absent; samples in k6's JSON format go to a file and into the store.
 */

interface LoadFlags {
  engine: string
  peakRps?: string
  compress?: string
  duration?: string
  runId?: string
  baseUrl?: string
  merchantUrl?: string
  data: string
  stages?: string
  replay?: boolean
  out?: string
  ingest: boolean
  env: string[]
}

/** One-line error on stderr, exit 2 (bad input names the flag). */
function failInput(message: string): never {
  process.stderr.write(`d11 load: ${message}\n`)
  process.exit(2)
}

function positive(flag: string, text: string): number {
  const n = Number(text)
  if (!(Number.isFinite(n) && n > 0)) failInput(`${flag}: "${text}" is not a positive number`)
  return n
}

function seconds(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text)
  if (!m) failInput(`${flag}: "${text}" is not a duration such as 30s, 2m or 1h`)
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] ?? 's'] ?? 1
  const s = Number(m[1]) * unit
  if (!(s > 0)) failInput(`${flag}: must be longer than 0`)
  return s
}

/** `{ stages }` from a stages file for the run manifest, `{}` when absent or not JSON. */
function readStages(
  read: (file: string, enc: 'utf8') => string,
  file: string | undefined,
): { stages?: unknown } {
  if (!file) return {}
  try {
    return { stages: JSON.parse(read(file, 'utf8')) }
  } catch {
    return {}
  }
}

export function register(program: Command): void {
  program
    .command('load')
    .description(
      'Run a k6 scenario (a Double 11 peak) against the platform: real k6 when present, otherwise the built-in runner.',
    )
    .argument(
      '<scenario>',
      'presale-open | final-payment | spot-burst-nov1 | peak-nov11 | consultation-storm | after-sale | merchant-direct, or a path to a k6 script',
    )
    .option(
      '--engine <name>',
      'auto (k6 from K6_BIN, PATH or ../shared/tools/k6, else builtin) | k6 | builtin, e.g. --engine builtin',
      'auto',
    )
    .option('--peak-rps <n>', 'iterations/s of the busiest stage (default: 50), e.g. --peak-rps 500')
    .option(
      '--compress <x>',
      'simulated seconds per real second (default: 60: a 1 h window in 60 s), e.g. --compress 120',
    )
    .option('--duration <d>', 'real length of the window instead of --compress, e.g. --duration 30s')
    .option(
      '--run-id <id>',
      'run id for RUN_ID, the samples and the store (default: <scenario>-<time>), e.g. --run-id peak-1',
    )
    .option(
      '--base-url <url>',
      'mock platform (default: $BASE_URL or http://127.0.0.1:3000), e.g. --base-url http://127.0.0.1:3000',
    )
    .option(
      '--merchant-url <url>',
      'merchant service for merchant-direct (default: http://127.0.0.1:4000), e.g. --merchant-url http://127.0.0.1:4100',
    )
    .option('--data <dir>', 'generated world (d11 gen --out), e.g. --data /tmp/world', 'data/')
    .option(
      '--stages <file>',
      'arrival stages from `d11 curve --k6` (default: computed from the curve for the window), e.g. --stages stages.json',
    )
    .option('--replay', "replay the world's own event timeline instead of the curve")
    .option('--out <file>', 'k6 JSON samples (default: .d11/runs/<run-id>/k6.json), e.g. --out peak.json')
    .option('--no-ingest', 'do not load the samples into the store')
    .option(
      '-e, --env <KEY=VALUE>',
      'extra __ENV for the script (repeatable), e.g. -e MAX_VUS=200',
      (v, all: string[]) => [...all, v],
      [],
    )
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .addHelpText(
      'after',
      `
The scenario's stages come from the curve for its window (CAL-3), scaled to --peak-rps and
compressed by --compress (or fit into --duration); --replay uses the world's own timeline instead.
setup() loads the world into the platform (POST /admin/world) and sets its clock (POST /admin/clock);
the platform must run the world's calendar (D11_CALENDAR). Exit code: the engine's (0, 99 when a
threshold SLO is crossed); 2 for bad flags.

Examples:
  d11 load peak-nov11 --data /tmp/world --duration 30s --peak-rps 200
  d11 load presale-open --engine builtin --data /tmp/world --compress 120 --run-id presale-1
  K6_BIN=/opt/k6 d11 load final-payment --engine k6 --data /tmp/world --duration 1m`,
    )
    .action(async (scenario: string, flags: LoadFlags) => {
      const { existsSync, mkdirSync, writeFileSync } = await import('node:fs')
      const { dirname, join, resolve } = await import('node:path')
      const { fileURLToPath } = await import('node:url')
      const { SCENARIOS } = await import('@d11/scenarios/catalog')
      const known = SCENARIOS[scenario]
      const script = known ? fileURLToPath(known.file) : resolve(scenario)
      if (!known && !(scenario.endsWith('.js') && existsSync(script))) {
        failInput(
          `<scenario>: "${scenario}" is neither a scenario (${Object.keys(SCENARIOS).join(', ')}) nor a .js file`,
        )
      }
      if (!['auto', 'k6', 'builtin'].includes(flags.engine))
        failInput(`--engine: "${flags.engine}" is not auto, k6 or builtin`)
      if (flags.duration && flags.compress)
        failInput('--duration: give either --duration or --compress, not both')
      const runId =
        flags.runId ??
        `${known ? scenario : 'script'}-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}`
      if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(runId))
        failInput(`--run-id: "${runId}" may only use letters, digits and _ . : -`)
      const dataDir = resolve(flags.data)
      // a scenario needs a world; any other k6 script runs without one unless --data names one
      const hasWorld = existsSync(join(dataDir, 'manifest.json'))
      if (!hasWorld && (known || flags.data !== 'data/')) {
        failInput(`--data: ${dataDir} holds no generated world (run d11 gen --out ${flags.data} first)`)
      }
      const out = resolve(flags.out ?? join('.d11', 'runs', runId, 'k6.json'))
      mkdirSync(dirname(out), { recursive: true })

      const env: Record<string, string> = hasWorld ? { DATA_DIR: dataDir, RUN_ID: runId } : { RUN_ID: runId }
      if (flags.baseUrl) env.BASE_URL = flags.baseUrl
      if (flags.merchantUrl) env.MERCHANT_URL = flags.merchantUrl
      if (flags.peakRps) env.PEAK_RPS = String(positive('--peak-rps', flags.peakRps))
      if (flags.replay) env.REPLAY = '1'
      if (flags.compress) env.COMPRESS = String(positive('--compress', flags.compress))
      const { readFileSync } = await import('node:fs')
      const worldManifest: Record<string, unknown> = hasWorld
        ? JSON.parse(readFileSync(join(dataDir, 'manifest.json'), 'utf8'))
        : {}
      const calendarId = hasWorld ? String(worldManifest.calendar) : undefined
      if (known) {
        const { windowFor } = await import('@d11/scenarios/windows')
        const window = windowFor(scenario, calendarId!)
        if (flags.duration)
          env.COMPRESS = String((window.to - window.from) / 1000 / seconds('--duration', flags.duration))
        if (flags.stages) env.STAGES_FILE = resolve(flags.stages)
        else if (!flags.replay) {
          const { getCalendar } = await import('@d11/rules/calendar')
          const { k6Stages } = await import('@d11/curve/k6')
          const stages = k6Stages({
            calendar: getCalendar(calendarId!),
            from: window.from,
            to: window.to,
            compress: Number(env.COMPRESS ?? 60),
            peakRps: Number(env.PEAK_RPS ?? 50),
            stream: known.stream,
          })
          env.STAGES_FILE = join(dirname(out), 'stages.json')
          writeFileSync(env.STAGES_FILE, JSON.stringify(stages, null, 2))
        }
      } else if (flags.stages) env.STAGES_FILE = resolve(flags.stages)
      for (const pair of flags.env) {
        const i = pair.indexOf('=')
        if (i <= 0) failInput(`--env: "${pair}" must be KEY=VALUE`)
        env[pair.slice(0, i)] = pair.slice(i + 1)
      }

      const { findK6, k6Version } = await import('@d11/k6-runner/find-k6')
      let k6: string | undefined
      try {
        k6 = flags.engine === 'builtin' ? undefined : findK6()?.path
      } catch (err) {
        failInput(`--engine: ${(err as Error).message}`)
      }
      // Wall clock of the load's start, recorded in the run manifest (not seeded data).
      const loadStartedAt = Date.now()
      if (flags.engine === 'k6' && !k6)
        failInput(
          '--engine: k6 not found (set K6_BIN, put k6 on PATH or ../shared/tools/k6 beside the checkout), or use --engine builtin',
        )
      let code: number
      if (k6) {
        process.stderr.write(`d11 load: ${scenario} with ${k6}, ${k6Version(k6)} (run ${runId})\n`)
        const { spawn } = await import('node:child_process')
        const args = [
          'run',
          '--out',
          `json=${out}`,
          ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
          script,
        ]
        code = await new Promise<number>((done) => {
          const child = spawn(k6, args, { stdio: 'inherit' })
          // A stop signal to d11 load (d11 run sends SIGTERM) stops k6 too, never leaving it
          // orphaned: k6 ends its test gracefully; SIGKILL if it has not exited 10 s later.
          const forward = (signal: NodeJS.Signals) => {
            child.kill(signal)
            setTimeout(() => child.kill('SIGKILL'), 10_000).unref()
          }
          process.on('SIGINT', forward).on('SIGTERM', forward)
          child.on('error', (err) => {
            process.stderr.write(`d11 load: ${k6} failed to start: ${err.message}\n`)
            done(1)
          })
          child.on('exit', (c) => {
            process.off('SIGINT', forward).off('SIGTERM', forward)
            done(c ?? 1)
          })
        })
      } else {
        process.stderr.write(`d11 load: ${scenario} with the built-in runner (run ${runId})\n`)
        const { runScript } = await import('@d11/k6-runner/run')
        code = (await runScript({ script, env, out })).exitCode
      }

      if (flags.ingest && existsSync(out)) {
        try {
          const { openStore } = await import('@d11/store/connection')
          const { ingestK6 } = await import('@d11/store/ingest-k6')
          const store = await openStore({})
          const res = await ingestK6(store, out, { runId })
          // The manifest carries the arrival stages the load ran, so the report draws the target.
          const { upsertRun } = await import('@d11/store/runs')
          const stagesFile = env.STAGES_FILE
          await upsertRun(store, {
            runId,
            kind: 'load',
            status: code === 0 ? 'passed' : 'failed',
            seed: Number(worldManifest.seed) || 0,
            scale: worldManifest.scale === undefined ? undefined : String(worldManifest.scale),
            calendar: calendarId,
            scenario: known ? scenario : script,
            parameters: {
              engine: k6 ? 'k6' : 'builtin',
              peakRps: Number(env.PEAK_RPS ?? 50),
              compress: Number(env.COMPRESS ?? 60),
              loadStartedAt,
              ...readStages(readFileSync, stagesFile && existsSync(stagesFile) ? stagesFile : undefined),
            },
            startedAt: loadStartedAt,
            finishedAt: Date.now(),
          })
          await store.close()
          process.stderr.write(
            `d11 load: ${res.points} samples of run ${runId} in the store (${store.engine})\n`,
          )
        } catch (err) {
          process.stderr.write(
            `d11 load: samples kept in ${out}; store ingest failed: ${(err as Error).message}\n`,
          )
          if (code === 0) code = 1
        }
      } else process.stderr.write(`d11 load: samples in ${out}\n`)
      process.exit(code)
    })
}
