import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CalendarId } from '@d11/rules/calendar'
import { toShanghaiIso } from '@d11/time/shanghai'
import { StageDisplay } from './stage-display.ts'

/** Bad flags: the command prints the message and exits 2. */
export class RunInputError extends Error {}

export interface RunPipelineFlags {
  seed: string
  scale: string
  calendar: string
  scenario: string
  /** One profile for every merchant; none draws the population from `mix`. */
  profile?: string
  mix?: string
  engine: string
  duration: string
  peakRps: string
  runId?: string
  reportDir: string
  workers?: string
  settle: string
}

/** Exit codes of `d11 run`. */
export const EXIT = { ok: 0, failed: 1, thresholds: 99, interrupted: 130 } as const

/** Wall seconds each part of the settle stage takes, whatever the simulated span. */
const SETTLE_WALL_S = 6

/**
 * Simulated hours after the load when buyers chase late orders: the window's last 48 h pickup
 * deadline (SHIP-1) has passed by then.
 */
const CHASE_AFTER_H = 50

const BIN = fileURLToPath(new URL('../bin/d11.js', import.meta.url))

function parseSeconds(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text)
  const unit = m ? ({ ms: 0.001, s: 1, m: 60, h: 3600 } as const)[(m[2] ?? 's') as 'ms'] : Number.NaN
  const s = m ? Number(m[1]) * unit : Number.NaN
  if (!(s > 0)) throw new RunInputError(`--duration: "${text}" is not a duration such as 30s, 2m or 1h`)
  return s
}

interface Validated {
  seed: number
  scale: string
  calendar: CalendarId
  scenario: string
  profile: string | undefined
  mix: string | undefined
  /** What the merchants run, for the header and the run row. */
  populationLabel: string
  /** The mix the population is drawn from (the defaults when none given and no profile). */
  mixText: string
  engine: string
  durationS: number
  peakRps: number
  runId: string
  reportDir: string
  workers: number
  settleHours: number
}

async function validate(flags: RunPipelineFlags): Promise<Validated> {
  if (!/^\d{1,15}$/.test(flags.seed))
    throw new RunInputError(`--seed: "${flags.seed}" is not a non-negative integer`)
  const { SCALES } = await import('@d11/generator/config')
  if (!(flags.scale in SCALES)) {
    throw new RunInputError(
      `--scale: unknown scale "${flags.scale}" (expected ${Object.keys(SCALES).join(', ')})`,
    )
  }
  const { CALENDAR_IDS, isCalendarId } = await import('@d11/rules/calendar')
  if (!isCalendarId(flags.calendar)) {
    throw new RunInputError(`--calendar: "${flags.calendar}" is not ${CALENDAR_IDS.join(', ')} (CAL-2)`)
  }
  const { SCENARIOS } = (await import('@d11/scenarios/catalog')) as { SCENARIOS: Record<string, unknown> }
  if (!(flags.scenario in SCENARIOS)) {
    throw new RunInputError(
      `--scenario: unknown scenario "${flags.scenario}" (expected ${Object.keys(SCENARIOS).join(', ')})`,
    )
  }
  if (!['auto', 'k6', 'builtin'].includes(flags.engine)) {
    throw new RunInputError(`--engine: "${flags.engine}" is not auto, k6 or builtin`)
  }
  if (flags.engine !== 'builtin') {
    // the same finder d11 load uses; a missing k6 for --engine k6 is a bad flag, found before any work
    const { findK6, NO_K6_REASON } = await import('@d11/k6-runner/find-k6')
    let k6: ReturnType<typeof findK6>
    try {
      k6 = findK6()
    } catch (err) {
      throw new RunInputError(`--engine: ${(err as Error).message}`)
    }
    if (!k6 && flags.engine === 'k6') throw new RunInputError(`--engine k6: ${NO_K6_REASON}`)
  }
  if (flags.profile !== undefined && flags.mix !== undefined)
    throw new RunInputError('--profile and --mix: give one (a profile forces it on every merchant)')
  const { loadProfile } = await import('@d11/merchant-model/profile')
  const { buildPopulation, parseMix, formatMix, DEFAULT_MIX } = await import('@d11/merchant-model/population')
  try {
    if (flags.profile !== undefined) loadProfile(flags.profile)
  } catch (err) {
    throw new RunInputError(`--profile: ${(err as Error).message}`)
  }
  try {
    // every profile of the mix loads (each merchant's stock policy is its own: any mix works)
    if (flags.mix !== undefined) buildPopulation(0, [], parseMix(flags.mix))
  } catch (err) {
    throw new RunInputError(`--mix: ${(err as Error).message}`)
  }
  const peakRps = Number(flags.peakRps)
  if (!(Number.isFinite(peakRps) && peakRps > 0)) {
    throw new RunInputError(`--peak-rps: "${flags.peakRps}" is not a positive number`)
  }
  const workers = flags.workers === undefined ? Math.max(1, os.availableParallelism()) : Number(flags.workers)
  if (!(Number.isInteger(workers) && workers >= 1 && workers <= 256)) {
    throw new RunInputError(`--workers: "${flags.workers}" is not an integer in 1..256`)
  }
  // Run ids name folders and rows, not seeded data: the wall clock is fine here.
  const runId =
    flags.runId ?? `run-${flags.scenario}-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`
  if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(runId)) {
    throw new RunInputError(`--run-id: "${runId}" may only use letters, digits and _ . : -`)
  }
  const settle = /^(\d+(?:\.\d+)?)h?$/.exec(flags.settle)
  if (!settle || Number(settle[1]) > 24 * 60) {
    throw new RunInputError(
      `--settle: "${flags.settle}" is not a number of simulated hours such as 72h (0 skips)`,
    )
  }
  return {
    settleHours: Number(settle[1]),
    seed: Number(flags.seed),
    scale: flags.scale,
    calendar: flags.calendar,
    scenario: flags.scenario,
    profile: flags.profile,
    mix: flags.mix,
    populationLabel: flags.profile ?? `mix ${flags.mix ?? `${formatMix(DEFAULT_MIX)} (defaults)`}`,
    mixText: flags.mix ?? formatMix(DEFAULT_MIX),
    engine: flags.engine,
    durationS: parseSeconds(flags.duration),
    peakRps,
    runId,
    reportDir: flags.reportDir,
    workers,
  }
}

function gitSha(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim()
  } catch {
    return ''
  }
}

/** Starts `d11 <args>` as a child whose output goes to `logFile`. */
function startChild(args: string[], logFile: string): ChildProcess {
  const log = createWriteStream(logFile)
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.pipe(log, { end: false })
  child.stderr?.pipe(log, { end: false })
  child.on('exit', () => log.end())
  return child
}

function exited(child: ChildProcess): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  if (child.signalCode !== null) return Promise.resolve(128)
  return new Promise((done) => child.once('exit', (code, signal) => done(code ?? (signal ? 128 : 1))))
}

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited(child)
  clearTimeout(timer)
}

/** Resolves with the platform and merchant URLs once `d11 serve` prints them. */
function servedUrls(child: ChildProcess, logFile: string): Promise<{ platform: string; merchant: string }> {
  return new Promise((done, fail) => {
    let text = ''
    const onData = (chunk: Buffer) => {
      text += chunk.toString()
      const platform = /^platform\s+(\S+)/m.exec(text)?.[1]
      const merchant = /^merchant\s+(\S+?)(?:\/webhooks)?\s/m.exec(text)?.[1]
      if (platform && merchant) {
        child.stdout?.off('data', onData)
        done({ platform, merchant })
      }
    }
    child.stdout?.on('data', onData)
    child.once('exit', (code) =>
      fail(new Error(`d11 serve exited with ${code} before listening; see ${logFile}`)),
    )
  })
}

async function clockCall(platformUrl: string, path: string, body?: unknown): Promise<{ simTimeMs: number }> {
  const res = await fetch(new URL(path, platformUrl), {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`)
  return (await res.json()) as { simTimeMs: number }
}

/**
 * Speeds the platform clock up so `hours` of simulated time pass in about {@link SETTLE_WALL_S}
 * seconds (the merchant service follows the platform clock), then stops it.
 */
async function settleClock(
  platformUrl: string,
  hours: number,
  onProgress: (done: number, total: number) => void,
  stopped: () => boolean,
  judge = true,
): Promise<string> {
  const span = hours * 3_600_000
  const from = (await clockCall(platformUrl, '/admin/clock')).simTimeMs
  await clockCall(platformUrl, '/admin/clock', { rate: span / (SETTLE_WALL_S * 1000) })
  let now = from
  while (now < from + span && !stopped()) {
    await new Promise((r) => setTimeout(r, 250))
    now = (await clockCall(platformUrl, '/admin/clock')).simTimeMs
    onProgress(Math.min(now - from, span), span)
  }
  await clockCall(platformUrl, '/admin/clock', { rate: 0 })
  if (judge) {
    // EXP-1/2/3 are judged per merchant over their 30-day windows, as of the end of the run.
    await clockCall(platformUrl, '/admin/sla/evaluate', {})
    await clockCall(platformUrl, '/admin/flush', {})
  }
  return `${hours} simulated hours judged (clock stopped at ${toShanghaiIso(now).slice(0, 16).replace('T', ' ')} +08:00)`
}

/**
 * The pipeline. Returns the exit code; the store is opened by this process only (chdb allows one
 * owner per data folder), children write files that it loads.
 */
export async function runPipeline(flags: RunPipelineFlags): Promise<number> {
  const v = await validate(flags)
  const runDir = resolve('.d11', 'runs', v.runId)
  const worldDir = resolve('.d11', 'worlds', `${v.seed}-${v.scale}-${v.calendar}`)
  const spoolDir = join(runDir, 'spool')
  const k6File = join(runDir, 'k6.json')
  mkdirSync(spoolDir, { recursive: true })

  const display = new StageDisplay(['world', 'store', 'serve', 'load', 'settle', 'ingest', 'report'])
  display.header(
    `d11 run ${v.runId} · seed ${v.seed} · ${v.scale} · calendar ${v.calendar} · ${v.scenario} · ${v.populationLabel}`,
  )

  const children = new Set<ChildProcess>()
  let interrupted = false
  const onSignal = () => {
    if (interrupted) {
      // A second Ctrl-C: stop at once.
      for (const c of children) c.kill('SIGKILL')
      process.exit(EXIT.interrupted)
    }
    interrupted = true
    display.note('interrupted: stopping children, keeping what was collected (Ctrl-C again to quit now)')
    for (const c of children) c.kill('SIGTERM')
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  // 1. World: reuse a complete world of the same seed, scale and calendar.
  display.start('world')
  const { generateWorld, GENERATOR_VERSION } = await import('@d11/generator/generate')
  let manifest: { rows: Record<string, number>; generator?: { version?: string } } | undefined
  if (existsSync(join(worldDir, 'manifest.json'))) {
    manifest = JSON.parse(readFileSync(join(worldDir, 'manifest.json'), 'utf8'))
    // A world from another generator version has other bytes: make it anew.
    if (manifest?.generator?.version !== GENERATOR_VERSION) manifest = undefined
  }
  if (manifest) {
    display.done('world', `${worldDir} (cached, ${manifest.rows.orders?.toLocaleString('en-US')} orders)`)
  } else {
    manifest = await generateWorld({
      seed: v.seed,
      scale: v.scale as never,
      calendar: v.calendar,
      out: worldDir,
      workers: v.workers,
      onProgress: (p) => display.progress('world', p.rowsDone, p.rowsTotal, `${p.kind}`),
    })
    display.done('world', `${worldDir} (${manifest.rows.orders?.toLocaleString('en-US')} orders)`)
  }

  // 2. Store: open it now so the run is visible as running from the start.
  display.start('store')
  const { openStore } = await import('@d11/store/connection')
  const { upsertRun } = await import('@d11/store/runs')
  const store = await openStore({})
  const startedAt = Date.now()
  const runManifest = {
    runId: v.runId,
    kind: 'load' as const,
    seed: v.seed,
    scale: v.scale,
    calendar: v.calendar,
    scenario: v.scenario,
    gitSha: gitSha(),
    parameters: {
      scale: v.scale,
      profile: v.populationLabel,
      engine: v.engine,
      durationS: v.durationS,
      peakRps: v.peakRps,
      // what d11 whatif --from-run needs to rebuild the merchants and their buyers
      population: v.profile !== undefined ? { profile: v.profile } : { mix: v.mixText },
      complaintShare: (await import('./buyer-complaints.ts')).DEFAULT_COMPLAINT_SHARE,
      chaseAfterH: CHASE_AFTER_H,
      settleHours: v.settleHours,
      // the scenario's own latency SLOs, so the report judges the launch minute by them
      slos: (await import('@d11/scenarios/endpoint-slos')).ENDPOINT_SLOS[v.scenario] ?? {},
    } as Record<string, unknown>,
    startedAt,
  }
  await upsertRun(store, { ...runManifest, status: 'running' })
  display.done('store', `${store.engine} ClickHouse, database ${store.database}`)

  let loadCode: number = EXIT.failed
  let serveChild: ChildProcess | undefined
  try {
    // 3. Serve: platform + merchant in a child process.
    if (!interrupted) {
      display.start('serve')
      const serveLog = join(runDir, 'serve.log')
      serveChild = startChild(
        [
          'serve',
          '--world',
          worldDir,
          ...(v.profile !== undefined ? ['--profile', v.profile] : []),
          ...(v.mix !== undefined ? ['--mix', v.mix] : []),
          '--seed',
          String(v.seed),
          '--calendar',
          v.calendar,
          '--spool',
          spoolDir,
          '--run-id',
          v.runId,
        ],
        serveLog,
      )
      children.add(serveChild)
      const urls = await servedUrls(serveChild, serveLog)
      display.done('serve', `platform ${urls.platform} · merchant ${urls.merchant}`)

      // 4. Load: the scenario through d11 load (k6 or the built-in runner), samples to a file.
      if (!interrupted) {
        display.start('load')
        const loadChild = startChild(
          [
            'load',
            v.scenario,
            '--engine',
            v.engine,
            '--data',
            worldDir,
            '--duration',
            `${v.durationS}s`,
            '--peak-rps',
            String(v.peakRps),
            '--run-id',
            v.runId,
            '--base-url',
            urls.platform,
            '--merchant-url',
            urls.merchant,
            '--out',
            k6File,
            '--no-ingest',
          ],
          join(runDir, 'load.log'),
        )
        children.add(loadChild)
        const t0 = Date.now()
        const ticker = setInterval(() => {
          const s = (Date.now() - t0) / 1000
          display.progress(
            'load',
            Math.min(s, v.durationS),
            v.durationS,
            `${Math.round(s)}s of ${v.durationS}s`,
          )
        }, 500)
        loadCode = await exited(loadChild)
        clearInterval(ticker)
        // The arrival stages the load ran (written by d11 load) draw the report's target line.
        runManifest.parameters.loadStartedAt = t0
        try {
          runManifest.parameters.stages = JSON.parse(readFileSync(join(runDir, 'stages.json'), 'utf8'))
        } catch {
          // --replay or a custom script: no stages file, the report shows no target line
        }
        children.delete(loadChild)
        const verdict =
          loadCode === 0
            ? 'thresholds held'
            : loadCode === 99
              ? 'a threshold (SLO) broke'
              : `exit ${loadCode}`
        display.done('load', `${verdict} · log ${join(runDir, 'load.log')}`)
      }

      // 5. Settle: run the simulated clock on so the 48 h pickup, 24 h trace and complaint
      // deadlines of what was just ordered fall due and are judged (verdicts and payouts).
      if (!interrupted && v.settleHours > 0) {
        display.start('settle')
        const progress = (offsetH: number) => (simDone: number) =>
          display.progress(
            'settle',
            offsetH * 3_600_000 + simDone,
            v.settleHours * 3_600_000,
            `${Math.floor(offsetH + simDone / 3_600_000)}h of ${v.settleHours}h simulated`,
          )
        // First past every pickup deadline of the window, then the buyers of late orders complain
        // and the rest of the settle lets merchants (or the platform, PAY-5) decide them.
        const chaseAtH = Math.min(v.settleHours, CHASE_AFTER_H)
        let done = await settleClock(urls.platform, chaseAtH, progress(0), () => interrupted, false)
        if (!interrupted && v.settleHours > chaseAtH) {
          const { fileLateComplaints } = await import('./buyer-complaints.ts')
          const { readWorld } = await import('@d11/generator/read-world')
          const merchantIds: string[] = []
          for await (const m of readWorld(worldDir, 'merchants')) merchantIds.push(m.id)
          const tally = await fileLateComplaints(urls.platform, merchantIds, v.seed)
          done = await settleClock(
            urls.platform,
            v.settleHours - chaseAtH,
            progress(chaseAtH),
            () => interrupted,
          )
          done = `${done.replace(/^[\d.]+/, String(v.settleHours))} · ${tally.filed} of ${tally.late} late orders' buyers complained after ${chaseAtH} h`
        } else {
          await clockCall(urls.platform, '/admin/sla/evaluate', {})
          await clockCall(urls.platform, '/admin/flush', {})
        }
        display.done('settle', done)
      }
    }
  } catch (err) {
    display.fail('serve', (err as Error).message)
  } finally {
    // Stopping the platform flushes its spool; what it accepted is on disk after this.
    if (serveChild) {
      await stopChild(serveChild)
      children.delete(serveChild)
    }
  }

  // 6. Ingest, even after an interrupt: keep everything that was collected.
  display.start('ingest')
  const { ingestWorld } = await import('@d11/store/ingest-world')
  const { ingestK6 } = await import('@d11/store/ingest-k6')
  const { loadSpool } = await import('@d11/store/spool')
  const world = await ingestWorld(store, worldDir)
  runManifest.parameters.worldId = world.worldId
  const k6 = existsSync(k6File) ? await ingestK6(store, k6File, { runId: v.runId }) : undefined
  const spool = await loadSpool(store, spoolDir, { runId: v.runId, includeOpen: interrupted })
  display.done(
    'ingest',
    `${world.rows.orders.toLocaleString('en-US')} orders · ${(k6?.points ?? 0).toLocaleString('en-US')} k6 samples · ` +
      `${spool.rows.events.toLocaleString('en-US')} events · ${spool.rows.sla_verdicts.toLocaleString('en-US')} verdicts · ${spool.rows.payouts.toLocaleString('en-US')} payouts`,
  )

  const status = interrupted ? 'interrupted' : loadCode === EXIT.ok ? 'passed' : 'failed'
  await upsertRun(store, { ...runManifest, status, finishedAt: Date.now() })

  // 7. Report.
  display.start('report')
  const { collectRunReport, runReportHtml, terminalSummary } = await import('@d11/report/run-report')
  const data = await collectRunReport(store, v.runId)
  const reportPath = resolve(v.reportDir, `${v.runId}.html`)
  mkdirSync(resolve(v.reportDir), { recursive: true })
  writeFileSync(reportPath, runReportHtml(data))
  await store.close()
  display.done('report', reportPath)

  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  process.stdout.write(`\n${terminalSummary(data)}\n`)
  process.stdout.write(`run     ${v.runId} (${status})\nreport  ${reportPath}\n`)
  if (interrupted) return EXIT.interrupted
  if (loadCode === EXIT.ok || loadCode === EXIT.thresholds) return loadCode
  return EXIT.failed
}
