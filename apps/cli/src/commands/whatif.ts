import { type Command, InvalidArgumentError, Option } from 'commander'

/**
 * `d11 whatif <scenario.yaml>`: discrete-event what-if simulation of oversell and capacity, one
 * cell per combination of `--grid` values, judged by @d11/rules. Heavy imports happen in the action.
 */

const HELP = `
Examples:
  $ d11 whatif examples/phone-oversell.yaml
  $ d11 whatif examples/phone-oversell.yaml --grid oversell.buffer=0,2,5% --grid warehouse.picksPerHour=400,1000,4000
  $ d11 whatif examples/phone-oversell-grid.yaml --workers 2 --out reports/phone.html --no-store
  $ d11 run --run-id nightly-42 && d11 whatif --from-run nightly-42
  $ d11 whatif --from-run nightly-42 --grid warehouse.picksPerHour=x1,x1.5,x2 --grid oversell.oversellShare=0,-5% --out reports/nightly-42-whatif.html

--from-run RUN rebuilds the simulator's scenario from a stored live run (d11 run): per merchant the
orders the run accepted, its profile (the run's --profile or its --mix drawn by the run's seed), the
picks per hour the run showed while orders waited (where lower than the profile's; printed) and the
run's own complaining buyers. It prints the run's late pickups, payouts by cause and rule and
oversold orders beside the simulator's baseline cell with the twin's tolerance (2 %, oversold exact)
and says when they disagree, then the grid around it cheapest first with the saving against the
baseline cell (both priced by the simulator). Default grid: oversell.oversellShare=0,-5% × warehouse.picksPerHour=x1,x1.5,x2 (xN multiplies
each merchant's own rate, its shifts' too). Runs stored before --from-run existed lack the
parameters it needs: the error names the run and the field.

Grid paths are dotted scenario fields (oversell.buffer, oversell.syncLagSeconds, oversell.policy,
warehouse.picksPerHour, service.complaintsPerHour, buyers.complainRate, skus[0].stock, …); a
trailing % applies to every value. A scenario file may also hold a top-level "grid:" map
({ path: [values] }); --grid flags replace it. Every cell becomes one run of kind "whatif":
evidence goes through the spool (--spool) and is loaded into the store (embedded ClickHouse in
--data, or CLICKHOUSE_URL) unless --no-store; load it later with "d11 ingest spool <dir>".`

function positiveInt(flag: string) {
  return (v: string) => {
    const n = Number(v)
    if (!Number.isInteger(n) || n < 0)
      throw new InvalidArgumentError(`${flag} must be an integer >= 0, got "${v}"`)
    return n
  }
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v]
}

interface WhatIfFlags {
  grid: string[]
  fromRun?: string
  workers?: number
  seed?: number
  seeding: 'common' | 'per-cell'
  evidence: 'summary' | 'violations' | 'all'
  out?: string
  json?: string
  spool: string
  store: boolean
  db?: string
  data?: string
}

function fail(err: unknown): never {
  const e = err as { code?: string; message?: string }
  process.stderr.write(`d11 whatif: ${e?.message ?? String(err)}\n`)
  process.exit(
    typeof e?.code === 'string' &&
      /^(SIM_ERR_(SCENARIO|GRID)|D11_ERR_|STORE_ERR_RUN_(UNKNOWN|NOT_LIVE|PARAMETERS))/.test(e.code)
      ? 2
      : 1,
  )
}

async function progress(total: number) {
  if (process.stderr.isTTY) {
    const { SingleBar, Presets } = await import('cli-progress')
    const bar = new SingleBar(
      {
        format: 'whatif [{bar}] {value}/{total} cells | {cell} | {eta_formatted}',
        stream: process.stderr,
        hideCursor: true,
      },
      Presets.shades_classic,
    )
    bar.start(total, 0, { cell: '' })
    return { update: (done: number, cell: string) => bar.update(done, { cell }), stop: () => bar.stop() }
  }
  return {
    update: (done: number, cell: string) => process.stderr.write(`whatif: ${done}/${total} ${cell}\n`),
    stop: () => {},
  }
}

async function action(file: string | undefined, flags: WhatIfFlags): Promise<void> {
  if (flags.fromRun !== undefined) {
    if (file !== undefined)
      throw Object.assign(new Error(`give a scenario file or --from-run, not both (got "${file}")`), {
        code: 'D11_ERR_INPUT',
      })
    const { whatIfFromRun } = await import('../from-run.ts')
    return whatIfFromRun(flags.fromRun, flags, progress)
  }
  if (file === undefined)
    throw Object.assign(new Error('<scenario>: give a scenario file, or --from-run RUN'), {
      code: 'D11_ERR_INPUT',
    })
  const { readFileSync, mkdirSync, writeFileSync } = await import('node:fs')
  const { dirname, resolve } = await import('node:path')
  const { parseScenario, parseGridFlag, gridAxesOf, expandGrid } = await import('@d11/sim/scenario')
  const { SimError } = await import('@d11/sim/errors')
  const { runCells } = await import('@d11/sim/grid')
  const { whatIfReport } = await import('@d11/sim/report')

  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new SimError('SIM_ERR_SCENARIO', `<scenario>: cannot read "${file}"`)
  }
  const scenario = parseScenario(text, file)
  if (flags.seed !== undefined) scenario.seed = flags.seed
  // --grid flags replace the file's own "grid:" map
  const axes = flags.grid.length > 0 ? flags.grid.map(parseGridFlag) : gridAxesOf(scenario)
  const cells = expandGrid(scenario, axes)

  const spool = resolve(flags.spool)
  const bar = await progress(cells.length)
  const started = Date.now()
  const runs = await runCells(cells, {
    ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
    seeding: flags.seeding,
    evidence: flags.evidence,
    spoolDir: spool,
    wallTime: started,
    onCell: (done, _total, run) => bar.update(done, run.id),
  })
  bar.stop()
  const wallMs = Date.now() - started

  const yuan = (fen: number) => `¥${Math.round(fen / 100).toLocaleString('en-US')}`
  const width = Math.max(4, ...runs.map((r) => r.id.length))
  process.stdout.write(
    `${'cell'.padEnd(width)}  ${'late'.padStart(7)}  ${'pickup48h'.padStart(9)}  ${'payout'.padStart(12)}\n`,
  )
  for (const r of runs) {
    const x = r.result
    process.stdout.write(
      `${r.id.padEnd(width)}  ${String(x.late.total).padStart(7)}  ${`${(x.sla.pickup48hRate * 100).toFixed(1)}%`.padStart(9)}  ${yuan(x.payouts.totalFen).padStart(12)}\n`,
    )
  }
  const orders = runs.reduce((a, r) => a + r.result.orders.arrived, 0)
  process.stdout.write(
    `${runs.length} cell(s), ${orders.toLocaleString('en-US')} simulated orders in ${(wallMs / 1000).toFixed(1)} s\n`,
  )

  let stored = 'not stored (--no-store)'
  if (flags.store) {
    try {
      const { openStore } = await import('@d11/store/connection')
      const { loadSpool } = await import('@d11/store/spool')
      const { upsertRun } = await import('@d11/store/runs')
      const store = await openStore({ database: flags.db, path: flags.data })
      try {
        for (const r of runs) {
          await upsertRun(
            store,
            {
              runId: r.runId,
              kind: 'whatif',
              status: 'passed',
              seed: r.seed,
              calendar: r.calendar,
              scenario: r.scenario,
              parameters: {
                cell: r.id,
                ...r.params,
                payoutFen: r.result.payouts.totalFen,
                lateTotal: r.result.late.total,
              },
              startedAt: started,
              finishedAt: started + wallMs,
            },
            started + wallMs,
          )
        }
        const loaded = await loadSpool(store, spool)
        stored = `stored ${runs.length} run(s), ${loaded.rows.payouts} payout and ${loaded.rows.sla_verdicts} verdict rows`
      } finally {
        await store.close()
      }
    } catch (err) {
      stored = `store unavailable (${(err as Error).message}); evidence kept in ${spool}: load it with "d11 ingest spool ${spool}"`
    }
  }
  process.stdout.write(`${stored}\n`)

  const out = resolve(flags.out ?? `reports/whatif-${scenario.name}.html`)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(
    out,
    whatIfReport({
      scenario: scenario.name,
      axes,
      runs,
      subtitle: `${file} · seed ${scenario.seed} · ${stored}`,
      stored: flags.store,
    }),
  )
  process.stdout.write(`report: ${out}\n`)
  if (flags.json) {
    const jsonOut = resolve(flags.json)
    mkdirSync(dirname(jsonOut), { recursive: true })
    writeFileSync(jsonOut, `${JSON.stringify({ scenario: scenario.name, axes, runs }, null, 2)}\n`)
    process.stdout.write(`json: ${jsonOut}\n`)
  }
}

export function register(program: Command): void {
  program
    .command('whatif')
    .description(
      'Simulate oversell and capacity what-ifs in virtual time (a grid of cells across worker threads)',
    )
    .argument('[scenario]', 'scenario file (YAML or JSON), e.g. examples/phone-oversell.yaml')
    .option(
      '--from-run <run>',
      'start from a stored live run of "d11 run" instead of a file: its orders, merchants, capacities and buyers, e.g. --from-run nightly-42',
    )
    .option(
      '--grid <path=values>',
      'a grid axis, repeatable, e.g. --grid oversell.buffer=0,2,5%',
      collect,
      [],
    )
    .option(
      '--workers <n>',
      'threads that run cells: this one plus n-1 worker threads; 0 or 1 = this thread only (default: all cores when the grid simulates >= 2M orders, else 1), e.g. --workers 2',
      positiveInt('--workers'),
    )
    .option(
      '--seed <n>',
      "override the scenario's seed (default: the file's), e.g. --seed 7",
      positiveInt('--seed'),
    )
    .addOption(
      new Option(
        '--seeding <mode>',
        'common: every cell uses the seed; per-cell: seed from (seed, cell parameters)',
      )
        .choices(['common', 'per-cell'])
        .default('common'),
    )
    .addOption(
      new Option('--evidence <level>', 'per-order rows written to the spool')
        .choices(['summary', 'violations', 'all'])
        .default('violations'),
    )
    .option(
      '--out <file>',
      'HTML report (default: reports/whatif-<name>.html), e.g. --out reports/phone.html',
    )
    .option('--json <file>', 'also write every cell result as JSON, e.g. --json reports/phone.json')
    .option(
      '--spool <dir>',
      'spool folder for evidence rows, e.g. --spool .d11/spool/whatif',
      '.d11/spool/whatif',
    )
    .option('--no-store', 'do not load the spool into the store (default: load it)')
    .option('--db <name>', 'database name (default: $CLICKHOUSE_DB or "d11"), e.g. --db d11_ci')
    .option('--data <dir>', 'embedded data folder (default: .d11/clickhouse), e.g. --data /tmp/d11-ch')
    .addHelpText('after', HELP)
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (file: string | undefined, flags: WhatIfFlags) => {
      try {
        await action(file, flags)
      } catch (err) {
        fail(err)
      }
    })
}
