import type { Command } from 'commander'
import type { RunPipelineFlags } from '../run-pipeline.ts'

/**
 * `d11 run`: from nothing to a report. Generates (or reuses) a world, starts the platform and the
 * reference merchant service in a child process, replays a peak with `d11 load` in another child,
 * then — as the one process that owns the store — loads the world, the k6 samples and the
 * platform's spool into ClickHouse and writes the HTML report.
 */

function failInput(message: string): never {
  process.stderr.write(`d11 run: ${message}\n`)
  process.exit(2)
}

export function register(program: Command): void {
  program
    .command('run')
    .description(
      'The whole rehearsal in one command: generate a world, serve platform + merchant, replay a peak, ingest everything into ClickHouse, write the report.',
    )
    .option('--seed <n>', 'world seed (same seed, same world), e.g. --seed 7', '42')
    .option(
      '--scale <name>',
      'world size: tiny (~10k orders) | small (~1M) | large (~10M), e.g. --scale small',
      'tiny',
    )
    .option('--calendar <id>', 'Double 11 calendar (CAL-2): 2020 | 2022 | 2024, e.g. --calendar 2020', '2022')
    .option(
      '--scenario <name>',
      'peak to replay: presale-open | final-payment | spot-burst-nov1 | peak-nov11 | consultation-storm | after-sale | merchant-direct',
      'peak-nov11',
    )
    .option(
      '--profile <name|file>',
      'one capacity profile forced on every merchant: prepared | understaffed | oversell-prone | a YAML file (default: a population drawn from --mix by the seed), e.g. --profile understaffed',
    )
    .option(
      '--mix <shares>',
      'merchant population, profile=share,… summing to 1, drawn per merchant by --seed (default prepared=0.7,understaffed=0.2,oversell-prone=0.1: defaults, not from a source), e.g. --mix prepared=0.5,understaffed=0.5',
    )
    .option(
      '--engine <name>',
      'load engine: auto (k6 from K6_BIN, PATH or ../shared/tools/k6, else builtin) | k6 | builtin',
      'auto',
    )
    .option('--duration <d>', 'wall-clock length of the replayed window, e.g. --duration 2m', '60s')
    .option(
      '--peak-rps <n>',
      'arrivals per second at the 00:00 launch (default 500, 10x the old 50: launch p99 48-104 ms against 1,500 ms on 2 cores at load average <= 6; it broke at >= 10, so lower it on a busy box), e.g. --peak-rps 1000',
      '500',
    )
    .option(
      '--run-id <id>',
      'run id in the store (default: run-<scenario>-<utc time>), e.g. --run-id nightly-42',
    )
    .option('--report-dir <dir>', 'where the HTML report goes, e.g. --report-dir public/', 'reports')
    .option(
      '--settle <hours>',
      'simulated hours to run on after the load so 48 h pickup / 24 h trace deadlines are judged, buyers of late orders complain (after 50 h) and the complaints are decided (0 skips), e.g. --settle 96h',
      '120h',
    )
    .option('--workers <n>', 'generator worker threads (default: all cores), e.g. --workers 1')
    .addHelpText(
      'after',
      `
Stages: world (d11 gen, cached under .d11/worlds) → serve (d11 serve) → load (d11 load) → settle
(the clock runs on so deadlines fall due) → ingest
(d11 ingest: world, k6 samples, platform events) → report (d11 report). ClickHouse is embedded
(.d11/clickhouse) unless CLICKHOUSE_URL points at a server. Every option may also sit in
d11.config.json / d11.config.yaml (flags win).

Exit code: 0 when every threshold (SLO) held, 99 when one broke, 130 when interrupted
(Ctrl-C keeps what was ingested and marks the run interrupted), 2 for bad flags, 1 otherwise.

Examples:
  d11 run
  d11 run --scenario presale-open --profile understaffed --duration 2m
  d11 run --seed 7 --scale small --peak-rps 500 --run-id nightly-7
  CLICKHOUSE_URL=http://localhost:8123 d11 run --engine k6`,
    )
    .action(async (flags: RunPipelineFlags) => {
      const { runPipeline, RunInputError } = await import('../run-pipeline.ts')
      try {
        const code = await runPipeline(flags)
        process.exit(code)
      } catch (err) {
        if (err instanceof RunInputError) failInput(err.message)
        throw err
      }
    })
}
