import { toShanghaiIsoSeconds } from '@d11/time/shanghai'
import type { Command } from 'commander'

/**
 * `d11 twin`: one scenario, two engines. The same world slice (one merchant's spot orders in a
 * window) and merchant profile through the what-if simulator and through a live compressed run of
 * the platform + reference merchant; prints the difference in late shipments and payouts per cause.
 */

interface TwinFlags {
  world?: string
  slice: string
  profile?: string
  set: string[]
  merchant?: string
  from?: string
  to?: string
  calendar?: string
  horizonDays: string
  complainRate: string
  maxUnits?: string
  json?: string
  spool?: string
}

function failInput(message: string): never {
  process.stderr.write(`d11 twin: ${message}\n`)
  process.exit(2)
}

const collect = (value: string, previous: string[]) => [...previous, value]

const HELP = `
Examples:
  $ d11 gen --scale tiny --out data/
  $ d11 twin --world data/ --profile prepared
  $ d11 twin --world data/ --profile understaffed --set warehouse.picksPerHour=20 --json twin.json
  $ d11 twin --world data/ --slice oversell

Tolerance (every slice, printed beside each figure): late-shipment counts within 2 % (or one order); payouts, with the simulator repriced at
what the platform charged, within 2 % (or one order's payout); the raw payout gap no more than the
price gap the live run measures (the platform's price and coupon versus the world's recorded price).
See packages/sim/README.md, "One scenario, two engines".`

export function register(program: Command): void {
  program
    .command('twin')
    .description(
      'Run one world slice and merchant profile through the simulator and through platform + merchant (a live compressed run), and report the difference in late shipments and payouts per cause.',
    )
    .option('--world <dir>', 'world directory from `d11 gen` (required), e.g. --world data/')
    .option(
      '--slice <name>',
      'named slice: spot (m-000001, 00:00-03:00, prepared) | oversell (m-000002, 00:00-12:00, oversell-prone: lagging, a 30-min-stale view every 5 min); its merchant, window and profile are defaults the other flags replace, e.g. --slice oversell',
      'spot',
    )
    .option(
      '--profile <name|file>',
      "merchant profile: prepared | understaffed | oversell-prone | a YAML file (default: the slice's), e.g. --profile understaffed",
    )
    .option(
      '--set <path=value>',
      'override a profile parameter (repeatable), e.g. --set warehouse.picksPerHour=10',
      collect,
      [],
    )
    .option(
      '--merchant <id>',
      "merchant whose orders are replayed (default: the slice's), e.g. --merchant m-000002",
    )
    .option(
      '--from <iso>',
      "slice start (payments from, a presale's final payment; default: the slice's, e.g. 00:00 of Nov 11 in the world's calendar), e.g. --from 2020-11-11T00:00:00+08:00",
    )
    .option(
      '--to <iso>',
      "slice end (payments before; default: the slice's length after --from, 3 h spot, 12 h oversell, 1 h presale), e.g. --to 2020-11-11T06:00:00+08:00",
    )
    .option(
      '--calendar <id>',
      "Double 11 calendar: 2020 | 2022 (default: the world's, from its manifest.json), e.g. --calendar 2022",
    )
    .option('--horizon-days <n>', 'days both engines run past the slice, e.g. --horizon-days 10', '7')
    .option(
      '--complain-rate <x>',
      'share of late buyers who complain (0..1), e.g. --complain-rate 0.5',
      '0.67',
    )
    .option('--max-units <n>', 'replay at most this many units (default: all), e.g. --max-units 100')
    .option('--json <file>', 'also write the full report as JSON, e.g. --json twin.json')
    .option('--spool <dir>', 'platform event spool of the live run (default: none), e.g. --spool .d11/spool')
    .addHelpText('after', HELP)
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (flags: TwinFlags) => {
      if (!flags.world) failInput('--world: required (a world directory from `d11 gen`)')
      const horizonDays = Number(flags.horizonDays)
      if (!Number.isFinite(horizonDays) || horizonDays <= 0 || horizonDays > 60)
        failInput(`--horizon-days: must be a number in (0, 60], got "${flags.horizonDays}"`)
      const complainRate = Number(flags.complainRate)
      if (!(complainRate >= 0 && complainRate <= 1))
        failInput(`--complain-rate: must be a number in [0, 1], got "${flags.complainRate}"`)
      const maxUnits = flags.maxUnits === undefined ? undefined : Number(flags.maxUnits)
      if (maxUnits !== undefined && !(Number.isInteger(maxUnits) && maxUnits > 0))
        failInput(`--max-units: must be an integer > 0, got "${flags.maxUnits}"`)
      const { existsSync, readFileSync } = await import('node:fs')
      const manifestFile = `${flags.world}/manifest.json`
      if (!existsSync(manifestFile))
        failInput(`--world: ${flags.world} holds no manifest.json (run d11 gen first)`)
      const worldCalendar = String(JSON.parse(readFileSync(manifestFile, 'utf8')).calendar)
      flags.calendar ??= worldCalendar
      const { CALENDAR_IDS, isCalendarId } = await import('@d11/rules/calendar')
      if (!isCalendarId(flags.calendar))
        failInput(`--calendar: must be ${CALENDAR_IDS.join(', ')}, got "${flags.calendar}"`)
      const { TWIN_SLICES, isTwinSliceName, sliceWindow } = await import('../twin-slices.ts')
      if (!isTwinSliceName(flags.slice))
        failInput(`--slice: must be ${Object.keys(TWIN_SLICES).join(', ')}, got "${flags.slice}"`)
      const named = TWIN_SLICES[flags.slice]
      // The slice's window on Nov 11 of the calendar's year unless one is given.
      const win = sliceWindow(named, flags.calendar)
      flags.from ??= toShanghaiIsoSeconds(win.from)
      flags.to ??= toShanghaiIsoSeconds(Date.parse(flags.from) + (win.to - win.from))
      flags.merchant ??= named.merchantId
      // the slice's overrides apply to its own profile only; --set comes after them
      const set = flags.profile === undefined ? [...named.set, ...flags.set] : flags.set
      flags.profile ??= named.profile
      const { loadProfile } = await import('@d11/merchant-model/profile')
      let profile: ReturnType<typeof loadProfile>
      try {
        profile = loadProfile(flags.profile, { set })
      } catch (err) {
        failInput(`--profile: ${(err as Error).message}`)
      }
      const { runTwin } = await import('../twin-live.ts')
      const { writeFileSync } = await import('node:fs')
      let r: Awaited<ReturnType<typeof runTwin>>
      try {
        r = await runTwin({
          world: flags.world,
          profile,
          merchantId: flags.merchant,
          from: flags.from,
          to: flags.to,
          kind: named.kind,
          calendar: flags.calendar,
          horizonDays,
          complainRate,
          ...(maxUnits !== undefined ? { maxUnits } : {}),
          ...(flags.spool ? { spoolDir: flags.spool } : {}),
          onProgress: (d, t) => {
            if (process.stderr.isTTY && (d % 50 === 0 || d === t))
              process.stderr.write(`\rlive: ${d}/${t} stops`)
          },
        })
      } catch (err) {
        const e = err as { code?: string; message?: string }
        process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}d11 twin: ${e.message ?? String(err)}\n`)
        process.exit(e.code === 'SIM_ERR_SCENARIO' ? 2 : 1)
      }
      if (process.stderr.isTTY) process.stderr.write('\n')
      if (r.units === 0) {
        failInput(
          `--from/--to: no paid ${named.kind} orders of ${flags.merchant} in [${flags.from}, ${flags.to}) of this ${worldCalendar} world`,
        )
      }
      const yuan = (f: number) => (f / 100).toFixed(2)
      const lateTol = `±${r.tolerance.late * 100}% or 1 order`
      const payTol = `±${r.tolerance.payouts * 100}% or 1 order at platform prices; raw ≤ price gap`
      const out = [
        `twin ${flags.slice} slice · ${profile.name} · ${flags.merchant} · ${r.units} ${named.kind} units (left out: ${r.refusedShip5} SHIP-5 region, ${r.refusedRegistration} unregistered) · live placed ${r.live.placed}, rejected ${r.live.rejected}`,
        '',
        'late shipments (SHIP-1)     sim     live   delta   tolerance',
        ...(['oversell', 'capacity', 'total'] as const).map(
          (k) =>
            `  ${k.padEnd(24)} ${String(r.diff.late[k].sim).padStart(6)} ${String(r.diff.late[k].live).padStart(8)} ${String(r.diff.late[k].delta).padStart(7)}   ${lateTol}`,
        ),
        'payouts (yuan)                    sim         live       delta     rel   tolerance',
        ...(['late_shipment', 'oversell', 'price_protection', 'total'] as const).map(
          (k) =>
            `  ${k.padEnd(20)} ${yuan(r.diff.payouts[k].simFen).padStart(12)} ${yuan(r.diff.payouts[k].liveFen).padStart(12)} ${yuan(r.diff.payouts[k].deltaFen).padStart(11)} ${(r.diff.payouts[k].rel * 100).toFixed(1).padStart(6)}%   ${payTol}`,
        ),
        `oversold orders: sim ${r.sim.orders.oversold}, live ${r.live.oversold}   tolerance: exact (same stock arithmetic, same unit order)`,
        `complaints filed: sim ${r.sim.complaints.filed}, live ${r.live.complaintsFiled} · price gap ${yuan(r.live.priceGapFen)} yuan`,
        `payout with the simulator at the platform's prices: sim ${yuan(r.diffAtLivePrices.payouts.total.simFen)}, live ${yuan(r.diffAtLivePrices.payouts.total.liveFen)} (${(r.diffAtLivePrices.payouts.total.rel * 100).toFixed(1)}%)`,
        `tolerance: late ${r.tolerance.late * 100}% (or 1 order); payouts at the platform's prices ${r.tolerance.payouts * 100}% (or one order's); raw payout gap within the price gap → ${r.agrees ? 'AGREE' : 'DIFFER'}`,
      ]
      process.stdout.write(`${out.join('\n')}\n`)
      if (flags.json)
        writeFileSync(flags.json, `${JSON.stringify({ ...r, scenario: r.scenario.name }, null, 2)}\n`)
    })
}
