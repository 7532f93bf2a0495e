import type { Command } from 'commander'

/** `d11 gen`: write a seeded synthetic Double 11 world (NDJSON/CSV + manifest.json). */

interface GenFlags {
  seed: string
  scale: string
  calendar: string
  out: string
  format: string
  shard?: string
  workers: string
  invalidShare: string
  ineligibleShare: string
  quiet?: boolean
}

/** One-line error on stderr, exit 2 (bad input names the flag). */
function failInput(message: string): never {
  process.stderr.write(`d11 gen: ${message}\n`)
  process.exit(2)
}

export function register(program: Command): void {
  program
    .command('gen')
    .description(
      'Generate a seeded Double 11 world: merchants, SKUs, registrations, buyers, orders, consultations, after-sales.',
    )
    .option('--seed <n>', 'integer seed 0..4294967295, e.g. --seed 7', '42')
    .option('--scale <name>', 'tiny (~10k orders) | small (~1M) | large (~10M), e.g. --scale small', 'tiny')
    .option(
      '--calendar <id>',
      'Double 11 calendar from @d11/rules: 2020 | 2022 | 2024, e.g. --calendar 2020',
      '2022',
    )
    .option('--out <dir>', 'output directory, e.g. --out /tmp/world', 'data/')
    .option('--format <fmt>', 'ndjson | csv, e.g. --format csv', 'ndjson')
    .option(
      '--shard <i/n>',
      'write only shard i of n (1-based); shards concatenated in order = one run, e.g. --shard 2/4',
    )
    .option(
      '--workers <n>',
      'worker threads, or "auto" for all cores ; same bytes for any n, e.g. --workers auto',
      '1',
    )
    .option(
      '--invalid-share <x>',
      'share of registrations deliberately invalid (REG-1, PRICE-2, REG-2, REG-4), e.g. --invalid-share 0.2',
      '0.12',
    )
    .option(
      '--ineligible-share <x>',
      'share of merchants deliberately ineligible (REG-3, one failing threshold each), e.g. --ineligible-share 0.2',
      '0.08',
    )
    .option('--quiet', 'no progress output')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .addHelpText(
      'after',
      `
Files: merchants, skus, registrations, buyers, orders, consultations, after_sales (.ndjson or .csv)
and manifest.json (seed, scale, calendar, generator version, row counts, sha256 per file). Order and
consultation times follow the two-wave curve of @d11/curve (CAL-3). Files are written under
temporary names and renamed at the end; manifest.json is written last.

Examples:
  d11 gen --seed 42 --scale small --calendar 2022 --out data/
  d11 gen --seed 42 --scale large --shard 1/4 --out data/part-1 --workers auto`,
    )
    .action(async (flags: GenFlags) => {
      const cfg = await import('@d11/generator/config')
      let seed: number
      let scale: ReturnType<typeof cfg.parseScale>
      let format: ReturnType<typeof cfg.parseFormat>
      let shard: { index: number; count: number } | undefined
      let workers: number
      try {
        seed = cfg.parseSeed(flags.seed)
        scale = cfg.parseScale(flags.scale)
        format = cfg.parseFormat(flags.format)
        shard = flags.shard === undefined ? undefined : cfg.parseShard(flags.shard)
        const { availableParallelism } = await import('node:os')
        workers = flags.workers === 'auto' ? availableParallelism() : Number(flags.workers)
        if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
          throw new cfg.GeneratorError(
            `--workers: "${flags.workers}" is not a positive integer or "auto"`,
            '--workers',
          )
        }
      } catch (err) {
        failInput((err as Error).message)
      }
      const invalidShare = Number(flags.invalidShare)
      if (!(invalidShare >= 0 && invalidShare <= 1)) {
        failInput(`--invalid-share: "${flags.invalidShare}" is not a number between 0 and 1`)
      }
      const ineligibleShare = Number(flags.ineligibleShare)
      if (!(ineligibleShare >= 0 && ineligibleShare <= 1)) {
        failInput(`--ineligible-share: "${flags.ineligibleShare}" is not a number between 0 and 1 (REG-3)`)
      }
      const { generateWorld } = await import('@d11/generator/generate')
      const progress = await makeProgress(flags.quiet === true)
      const started = performance.now()
      try {
        const manifest = await generateWorld({
          seed,
          scale,
          calendar: flags.calendar,
          format,
          shard: shard ?? null,
          workers,
          out: flags.out,
          invalidRegistrationShare: invalidShare,
          ineligibleMerchantShare: ineligibleShare,
          onProgress: progress.update,
        })
        progress.stop()
        const total = Object.values(manifest.rows).reduce((a, b) => a + b, 0)
        const secs = (performance.now() - started) / 1000
        process.stdout.write(
          `wrote ${total} rows to ${flags.out} in ${secs.toFixed(1)} s (${Object.entries(manifest.rows)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})\n`,
        )
      } catch (err) {
        progress.stop()
        if (err instanceof cfg.GeneratorError) failInput(err.message)
        const e = err as Error & { field?: string }
        if (e.name === 'RulesError' || e.field === 'id') failInput(`--calendar: ${e.message}`)
        throw err
      }
    })
}

async function makeProgress(quiet: boolean): Promise<{
  update: (p: { kind: string; rowsDone: number; rowsTotal: number }) => void
  stop: () => void
}> {
  if (quiet) return { update: () => {}, stop: () => {} }
  if (process.stderr.isTTY) {
    const { SingleBar, Presets } = await import('cli-progress')
    const bar = new SingleBar(
      {
        format: 'd11 gen [{bar}] {percentage}% | {value}/{total} rows | {kind} | eta {eta}s',
        stream: process.stderr,
      },
      Presets.shades_classic,
    )
    let started = false
    return {
      update: (p) => {
        if (!started) {
          bar.start(p.rowsTotal, 0, { kind: p.kind })
          started = true
        }
        bar.update(p.rowsDone, { kind: p.kind })
      },
      stop: () => {
        if (started) bar.stop()
      },
    }
  }
  // Not a terminal: one plain line per kind finished, at most.
  let lastKind = ''
  let lastDone = 0
  return {
    update: (p) => {
      if (p.kind !== lastKind && lastKind)
        process.stderr.write(`gen: ${lastKind} done (${lastDone}/${p.rowsTotal} rows)\n`)
      lastKind = p.kind
      lastDone = p.rowsDone
      if (p.rowsDone === p.rowsTotal)
        process.stderr.write(`gen: ${p.kind} done (${p.rowsDone}/${p.rowsTotal} rows)\n`)
    },
    stop: () => {},
  }
}
