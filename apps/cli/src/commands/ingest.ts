import { type Command, InvalidArgumentError, Option } from 'commander'

/**
 * `d11 ingest k6|world|spool`: load a run's evidence into the store (embedded ClickHouse under
 * .d11/clickhouse, or the server in CLICKHOUSE_URL). Every load is idempotent: re-running it
 * changes no count.
 */

const STORE_HELP = `
Store: embedded ClickHouse in --data (default .d11/clickhouse) unless CLICKHOUSE_URL is set
(then CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_DB apply). Only one process may open the
embedded folder at a time: writers append to a spool, and this loader owns the store.`

function positiveInt(flag: string) {
  return (v: string) => {
    const n = Number(v)
    if (!Number.isInteger(n) || n <= 0)
      throw new InvalidArgumentError(`${flag} must be a positive integer, got "${v}"`)
    return n
  }
}

function runId(v: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(v))
    throw new InvalidArgumentError(`--run "${v}" may only use letters, digits and _ . : -`)
  return v
}

interface StoreFlags {
  db?: string
  data?: string
}

function storeOptions(cmd: Command): Command {
  return cmd
    .option('--db <name>', 'database name (default: $CLICKHOUSE_DB or "d11"), e.g. --db d11_ci')
    .option('--data <dir>', 'embedded data folder (default: .d11/clickhouse), e.g. --data /tmp/d11-ch')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
}

/** Prints a one-line error; input problems (StoreError) exit 2, anything else 1. */
export function fail(err: unknown): never {
  const e = err as { code?: string; message?: string }
  process.stderr.write(`d11: ${e?.message ?? String(err)}\n`)
  process.exit(typeof e?.code === 'string' && /^(STORE|REPORT)_ERR_/.test(e.code) ? 2 : 1)
}

async function open(flags: StoreFlags) {
  const { openStore } = await import('@d11/store/connection')
  return openStore({ database: flags.db, path: flags.data })
}

/** A progress reporter: a cli-progress bar on a terminal, a plain line every ~10 % otherwise. */
async function progress(label: string, total: number) {
  if (process.stderr.isTTY) {
    const { SingleBar, Presets } = await import('cli-progress')
    const bar = new SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {lines} lines | {bad} bad | {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
      },
      Presets.shades_classic,
    )
    bar.start(total, 0, { lines: 0, bad: 0 })
    return {
      update: (value: number, payload: Record<string, number>) => bar.update(value, payload),
      stop: () => bar.stop(),
    }
  }
  let next = 0.1
  return {
    update: (value: number, payload: Record<string, number>) => {
      if (total > 0 && value / total >= next) {
        process.stderr.write(
          `${label}: ${Math.floor((100 * value) / total)}% (${payload.lines ?? 0} lines, ${payload.bad ?? 0} bad)\n`,
        )
        while (value / total >= next) next += 0.1
      }
    },
    stop: () => undefined,
  }
}

function badSummary(count: number, lines: Array<{ line: number; file?: string; reason: string }>): string {
  if (count === 0) return 'no malformed lines'
  const shown = lines
    .slice(0, 20)
    .map((b) => `${b.file ? `${b.file}:` : ''}${b.line} (${b.reason})`)
    .join(', ')
  return `${count} malformed line(s) skipped: ${shown}${count > 20 ? ', …' : ''}`
}

export function register(program: Command): void {
  const ingest = program
    .command('ingest')
    .description('Load k6 samples, a generated world or spooled platform evidence into the results store.')
    .addHelpText('after', STORE_HELP)

  storeOptions(
    ingest
      .command('k6')
      .description("Load k6 `--out json` output (NDJSON, optionally .gz) as one run's samples.")
      .argument('<file>', 'k6 JSON output, e.g. results/peak.json.gz')
      .requiredOption('--run <id>', 'run id the samples belong to (required), e.g. --run peak-2022-01', runId)
      .addOption(
        new Option(
          '--reader <who>',
          'who reads the file: engine (embedded default: the engine parses it natively) or stream (server default: Node streams it in batches), e.g. --reader stream',
        ).choices(['engine', 'stream']),
      )
      .option(
        '--batch <lines>',
        'lines per insert batch with --reader stream (default: 50000; keep it fixed between re-loads), e.g. --batch 20000',
        positiveInt('--batch'),
      ),
  )
    .addHelpText(
      'after',
      `
Malformed lines are skipped, counted and listed with their line numbers; the rest loads.
Loading the same file for the same run again changes nothing (identity: run, file name, line).

Example:
  d11 ingest k6 results/peak.json.gz --run peak-1`,
    )
    .action(
      async (
        file: string,
        opts: StoreFlags & { run: string; batch?: number; reader?: 'engine' | 'stream' },
      ) => {
        try {
          const { statSync } = await import('node:fs')
          const size = (() => {
            try {
              return statSync(file).size
            } catch {
              throw Object.assign(new Error(`<file>: "${file}" does not exist`), { code: 'STORE_ERR_FILE' })
            }
          })()
          const store = await open(opts)
          const { ingestK6 } = await import('@d11/store/ingest-k6')
          const bar = await progress('k6', size)
          const t0 = performance.now()
          const res = await ingestK6(store, file, {
            runId: opts.run,
            batchLines: opts.batch,
            reader: opts.reader,
            onProgress: (p) => bar.update(p.bytes, { lines: p.lines, bad: p.bad }),
          })
          bar.stop()
          await store.close()
          const s = (performance.now() - t0) / 1000
          process.stdout.write(
            `ingested ${res.points} samples and ${res.metrics} metric declarations from ${res.lines} lines into run ${res.runId} (${store.engine}, db ${store.database}) in ${s.toFixed(1)} s\n${badSummary(res.badCount, res.badLines)}\n`,
          )
        } catch (err) {
          fail(err)
        }
      },
    )

  storeOptions(
    ingest
      .command('world')
      .description('Load a generated world (merchants, SKUs, buyers, orders) as dimensions.')
      .argument('<dir>', 'world directory written by `d11 gen`, e.g. worlds/seed-42')
      .option(
        '--world-id <id>',
        'id stored with the rows (default: seed<seed>-<scale>-<calendar> from manifest.json, else the directory name), e.g. --world-id peak-world',
      ),
  )
    .addHelpText('after', '\nExample:\n  d11 ingest world worlds/seed-42')
    .action(async (dir: string, opts: StoreFlags & { worldId?: string }) => {
      try {
        const store = await open(opts)
        const { ingestWorld } = await import('@d11/store/ingest-world')
        const res = await ingestWorld(store, dir, {
          worldId: opts.worldId,
          onProgress: process.stderr.isTTY
            ? undefined
            : (t, n) => process.stderr.write(`world: ${t} ${n} rows\n`),
        })
        await store.close()
        const counts = Object.entries(res.rows)
          .map(([t, n]) => `${n} ${t}`)
          .join(', ')
        process.stdout.write(
          `ingested world ${res.worldId}: ${counts}\n${badSummary(res.badLines.length, res.badLines)}\n`,
        )
      } catch (err) {
        fail(err)
      }
    })

  storeOptions(
    ingest
      .command('spool')
      .description(
        'Load spooled evidence (events, SLA verdicts, payouts) written by the platform, simulator or load runner.',
      )
      .argument('<dir>', 'spool folder, e.g. .d11/spool/peak-1')
      .option(
        '--run <id>',
        'run id for rows that carry none (default: keep as written), e.g. --run peak-1',
        runId,
      )
      .option(
        '--include-open',
        'also read segments whose writer is still running (complete lines only, not marked done); segments of writers that stopped without closing are always recovered',
        false,
      ),
  )
    .addHelpText(
      'after',
      `
Each closed segment is renamed *.done after its rows were inserted; a failed load is re-run safely.
A segment still *.open whose writer stopped without closing (killed, crashed) is recovered up to its
last complete line, and said so; a torn last line is reported, never loaded.

Example:
  d11 ingest spool .d11/spool/peak-1 --run peak-1`,
    )
    .action(async (dir: string, opts: StoreFlags & { run?: string; includeOpen: boolean }) => {
      try {
        const store = await open(opts)
        const { loadSpool } = await import('@d11/store/spool')
        const res = await loadSpool(store, dir, { runId: opts.run, includeOpen: opts.includeOpen })
        await store.close()
        const notes = [
          ...res.recovered.map(
            (r) =>
              `recovered ${r.file} (its writer stopped without closing it): ${r.rows} row(s) up to its last complete line${r.tornBytes > 0 ? `, torn last line of ${r.tornBytes} bytes not loaded` : ''}\n`,
          ),
          ...res.openSkipped.map(
            (o) => `left ${o.file} open: ${o.reason} (stop it, or pass --include-open to read it now)\n`,
          ),
        ]
        process.stdout.write(
          `${notes.join('')}loaded ${res.files} spool file(s): ${res.rows.events} events, ${res.rows.sla_verdicts} SLA verdicts, ${res.rows.payouts} payouts\n${badSummary(res.badLines.length, res.badLines)}\n`,
        )
      } catch (err) {
        fail(err)
      }
    })
}
