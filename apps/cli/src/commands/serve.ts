import type { Command } from 'commander'

/** `d11 serve`: the mock platform and the reference merchant service in one process. */

interface ServeFlags {
  world?: string
  profile?: string
  mix?: string
  seed?: string
  set: string[]
  clockRate: string
  clockStart?: string
  calendar?: string
  platformPort: string
  merchantPort: string
  host: string
  spool?: string
  journal?: string
  runId?: string
}

function failInput(message: string): never {
  process.stderr.write(`d11 serve: ${message}\n`)
  process.exit(2)
}

const collect = (value: string, previous: string[]) => [...previous, value]

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'Start the mock Tmall platform and the reference merchant service (a capacity profile) with a world; prints both URLs. Ctrl-C stops both.',
    )
    .option(
      '--world <dir>',
      'world directory from `d11 gen` (default: none, load one later with POST /admin/world), e.g. --world data/',
    )
    .option(
      '--profile <name|file>',
      'one capacity profile for every merchant: prepared | understaffed | oversell-prone | a YAML file (default: a population drawn from --mix; prepared without --world), e.g. --profile understaffed',
    )
    .option(
      '--mix <shares>',
      'merchant population, profile=share,… summing to 1 (default prepared=0.7,understaffed=0.2,oversell-prone=0.1; shares are defaults, not from a source), e.g. --mix prepared=0.5,understaffed=0.5',
    )
    .option('--seed <n>', "seed of the population draw (default: the world's seed), e.g. --seed 7")
    .option(
      '--set <path=value>',
      'override any profile parameter (repeatable), e.g. --set warehouse.picksPerHour=4000',
      collect,
      [],
    )
    .option('--clock-rate <x>', 'simulated seconds per wall second, e.g. --clock-rate 600', '60')
    .option(
      '--clock-start <iso>',
      'simulated start with offset (default 2020-11-01T00:00:00+08:00), e.g. --clock-start 2020-11-10T23:50:00+08:00',
    )
    .option(
      '--calendar <id>',
      "Double 11 calendar (CAL-2): 2020 | 2022 (default: the world's, else 2020), e.g. --calendar 2022",
    )
    .option('--platform-port <n>', 'platform port, 0 = any free port, e.g. --platform-port 3000', '0')
    .option('--merchant-port <n>', 'merchant service port, 0 = any free port, e.g. --merchant-port 4000', '0')
    .option('--host <addr>', 'interface to listen on, e.g. --host 0.0.0.0', '127.0.0.1')
    .option(
      '--spool <dir>',
      'platform event spool for `d11 ingest` (default: in memory only), e.g. --spool .d11/spool',
    )
    .option(
      '--run-id <id>',
      'run id stamped on every platform event row (default: run-local), e.g. --run-id peak-1',
    )
    .option(
      '--journal <file>',
      'merchant push journal, replayed on restart (default: none), e.g. --journal .d11/merchant.ndjson',
    )
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .addHelpText(
      'after',
      `
Both run in this process. The platform reserves each merchant's stock as its own profile says
(stock.reservation, so any mix works): under \`lagging\` (oversell-prone) it sells what the merchant
service last published, a view stock.syncLagMinutes old re-published every stock.syncEveryMinutes
on the clock grid, so the units sold inside the lag are sold again (PAY-3). Every merchant's webhook points at the merchant service, which answers in simulated time.

Examples:
  d11 serve --world data/ --profile understaffed --clock-rate 600
  d11 serve --world data/ --profile oversell-prone --set customerService.agents.count=5 --platform-port 3000 --merchant-port 4000
  curl -s localhost:3000/admin/clock; curl -s localhost:4000/stats`,
    )
    .action(async (flags: ServeFlags) => {
      const { existsSync, readFileSync } = await import('node:fs')
      const { loadProfile } = await import('@d11/merchant-model/profile')
      const { DEFAULT_MIX, parseMix, buildPopulation } = await import('@d11/merchant-model/population')
      const { MerchantError } = await import('@d11/merchant-model/errors')
      const { serve } = await import('@d11/merchant/serve')
      if (flags.profile !== undefined && flags.mix !== undefined)
        failInput('--profile and --mix: give one (a profile forces it on every merchant)')
      // without a world there are no merchants to draw: one profile, prepared unless named
      const forced = flags.profile ?? (flags.world === undefined ? 'prepared' : undefined)
      let profile: ReturnType<typeof loadProfile> | undefined
      let mix = DEFAULT_MIX
      try {
        if (forced !== undefined) profile = loadProfile(forced, { set: flags.set })
        else {
          if (flags.mix !== undefined) mix = parseMix(flags.mix)
          // load each profile of the mix now, so a bad --set or profile fails before the servers start
          buildPopulation(0, [], mix, { set: flags.set })
        }
      } catch (err) {
        if (err instanceof MerchantError) {
          const flag =
            err.code === 'MERCH_ERR_MIX'
              ? '--mix'
              : err.code === 'MERCH_ERR_OVERRIDE' || err.message.includes('(with overrides)')
                ? '--set'
                : forced !== undefined
                  ? '--profile'
                  : '--mix'
          failInput(`${flag}: ${err.message}`)
        }
        throw err
      }
      if (flags.seed !== undefined && !/^\d{1,15}$/.test(flags.seed))
        failInput(`--seed: "${flags.seed}" is not a non-negative integer`)
      const rate = Number(flags.clockRate)
      if (!(Number.isFinite(rate) && rate >= 0 && rate <= 1e7))
        failInput(`--clock-rate: "${flags.clockRate}" is not a number in 0..1e7`)
      const port = (flag: string, text: string): number => {
        const n = Number(text)
        if (!(Number.isInteger(n) && n >= 0 && n <= 65535))
          failInput(`${flag}: "${text}" is not a port (0-65535)`)
        return n
      }
      const platformPort = port('--platform-port', flags.platformPort)
      const merchantPort = port('--merchant-port', flags.merchantPort)
      if (flags.calendar === undefined) {
        const manifest = flags.world ? `${flags.world}/manifest.json` : undefined
        const fromWorld =
          manifest && existsSync(manifest)
            ? (JSON.parse(readFileSync(manifest, 'utf8')) as { calendar?: unknown }).calendar
            : undefined
        flags.calendar = fromWorld === undefined ? '2020' : String(fromWorld)
      }
      const { CALENDAR_IDS, isCalendarId } = await import('@d11/rules/calendar')
      if (!isCalendarId(flags.calendar))
        failInput(`--calendar: "${flags.calendar}" is not ${CALENDAR_IDS.join(', ')} (CAL-2)`)
      if (
        flags.clockStart !== undefined &&
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(flags.clockStart)
      ) {
        failInput(
          `--clock-start: "${flags.clockStart}" must be an ISO instant with offset, e.g. 2020-11-11T00:00:00+08:00`,
        )
      }
      if (flags.world !== undefined && !existsSync(flags.world))
        failInput(`--world: ${flags.world} does not exist (generate one with d11 gen)`)
      const worldSeed = (): number => {
        const manifest = JSON.parse(readFileSync(`${flags.world}/manifest.json`, 'utf8')) as {
          seed?: unknown
        }
        return typeof manifest.seed === 'number' ? manifest.seed : 0
      }
      let served: Awaited<ReturnType<typeof serve>>
      try {
        served = await serve({
          ...(profile
            ? { profile }
            : {
                population: {
                  seed: flags.seed !== undefined ? Number(flags.seed) : worldSeed(),
                  mix,
                  overrides: { set: flags.set },
                },
              }),
          clockRate: rate,
          calendar: flags.calendar,
          platformPort,
          merchantPort,
          host: flags.host,
          ...(flags.world ? { world: flags.world } : {}),
          ...(flags.clockStart ? { clockStart: flags.clockStart } : {}),
          ...(flags.spool ? { spoolDir: flags.spool } : {}),
          ...(flags.journal ? { journalPath: flags.journal } : {}),
          ...(flags.runId ? { runId: flags.runId } : {}),
        })
      } catch (err) {
        const msg = (err as Error).message
        failInput(msg.startsWith('--') ? msg : `could not start: ${msg}`)
      }
      const w = served.world
      process.stdout.write(
        `platform  ${served.platformUrl}  (docs ${served.platformUrl}/docs, clock ${served.platformUrl}/admin/clock)\n` +
          `merchant  ${served.merchantUrl}/webhooks  (${[...served.profiles].map(([n, c]) => `${n} ×${c}`).join(', ')}, stats ${served.merchantUrl}/stats)\n` +
          (w
            ? `world     ${flags.world}: ${w.merchants} merchants, ${w.skus} SKUs, ${w.buyers} buyers\n`
            : 'world     none loaded (POST /admin/world)\n') +
          'Ctrl-C stops both.\n',
      )
      let stopping = false
      const stop = () => {
        if (stopping) return
        stopping = true
        process.stdout.write('stopping merchant and platform…\n')
        served.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`d11 serve: shutdown failed: ${(err as Error).message}\n`)
            process.exit(1)
          },
        )
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      // A launcher killed without relaying the signal (`pnpm d11 serve` under `kill <pnpm pid>`)
      // leaves this process orphaned: stop cleanly then too, rather than serve on unseen.
      const parent = process.ppid
      setInterval(() => {
        if (process.ppid !== parent) stop()
      }, 250).unref()
    })
}
