import type { Command } from 'commander'

/** `d11 report <run-id>`: terminal summary + one self-contained HTML report of a run. */

export function register(program: Command): void {
  program
    .command('report')
    .description('Print a run summary and write a self-contained HTML report (charts inline, no network).')
    .argument('<run-id>', 'run to report, e.g. peak-1')
    .option('--out <file>', 'HTML output path (default: reports/<run-id>.html), e.g. --out /tmp/peak.html')
    .option('--db <name>', 'database name (default: $CLICKHOUSE_DB or "d11"), e.g. --db d11_ci')
    .option('--data <dir>', 'embedded data folder (default: .d11/clickhouse), e.g. --data /tmp/d11-ch')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .addHelpText(
      'after',
      `
The report shows target vs achieved arrival rate, latency p50/p95/p99 over time, error rate,
SLA compliance (SHIP-1, SHIP-2, EXP-1..3), payouts by cause over time and the top offenders.
Load charts run on the wall clock (UTC+8) in buckets picked from the run's length: 1 s under
2 minutes, 10 s under 20 minutes, 60 s above. The target line ramps with the arrival stages the
load ran (recorded by d11 load / d11 run). SLA and payout charts use simulated time (Asia/Shanghai).

Example:
  d11 ingest k6 results/peak.json --run peak-1 && d11 report peak-1 --out reports/peak-1.html`,
    )
    .action(async (id: string, opts: { out?: string; db?: string; data?: string }) => {
      const { fail } = await import('./ingest.ts')
      try {
        const { mkdirSync, writeFileSync } = await import('node:fs')
        const { dirname, resolve } = await import('node:path')
        const { openStore } = await import('@d11/store/connection')
        const { collectRunReport, isEmptyRun, runReportHtml, terminalSummary } = await import(
          '@d11/report/run-report'
        )
        const store = await openStore({ database: opts.db, path: opts.data })
        const data = await collectRunReport(store, id)
        await store.close()
        if (isEmptyRun(data)) {
          throw Object.assign(
            new Error(
              `<run-id>: no data for run "${id}" in database ${store.database}; load it with \`d11 ingest\` first`,
            ),
            {
              code: 'REPORT_ERR_RUN',
            },
          )
        }
        const out = resolve(opts.out ?? `reports/${id}.html`)
        mkdirSync(dirname(out), { recursive: true })
        writeFileSync(out, runReportHtml(data))
        process.stdout.write(`${terminalSummary(data)}\n\nHTML report: ${out}\n`)
      } catch (err) {
        fail(err)
      }
    })
}
