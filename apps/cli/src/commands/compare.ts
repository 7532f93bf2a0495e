import type { Command } from 'commander'

/** `d11 compare <base-run> <run>`: regression table; exit 1 when a budget is broken (the CI gate). */

const DEFAULT_BUDGETS = 'p99+10%,payout+5%'

export function register(program: Command): void {
  program
    .command('compare')
    .description('Compare a run against a base run; exit 1 when a regression budget is broken, 0 otherwise.')
    .argument('<base-run>', 'the reference run, e.g. main-nightly')
    .argument('<run>', 'the run under test, e.g. pr-1234')
    .option(
      '--fail-on <budgets>',
      `comma-separated budgets <figure><+|-><amount>[%] (default: "${DEFAULT_BUDGETS}"); figures: p50, p95, p99, error_rate, dropped, payout (higher is worse), achieved, sla_ok (lower is worse); e.g. --fail-on p99+10%,error_rate+0.005,achieved-2%`,
    )
    .option('--db <name>', 'database name (default: $CLICKHOUSE_DB or "d11"), e.g. --db d11_ci')
    .option('--data <dir>', 'embedded data folder (default: .d11/clickhouse), e.g. --data /tmp/d11-ch')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .addHelpText(
      'after',
      `
Exit codes: 0 within budget, 1 a budget is broken, 2 bad input (unknown run, bad --fail-on).

Example (CI gate):
  d11 compare main-nightly pr-1234 --fail-on p99+10%,payout+5%`,
    )
    .action(async (baseId: string, runId: string, opts: { failOn?: string; db?: string; data?: string }) => {
      const { fail } = await import('./ingest.ts')
      try {
        const { parseBudgets, compareFigures, formatComparison } = await import('@d11/report/compare')
        const budgets = parseBudgets(opts.failOn ?? DEFAULT_BUDGETS)
        const { openStore } = await import('@d11/store/connection')
        const { runFigures } = await import('@d11/store/analysis')
        const { listRuns } = await import('@d11/store/runs')
        const store = await openStore({ database: opts.db, path: opts.data })
        const known = new Set((await listRuns(store)).map((r) => r.runId))
        for (const [flag, id] of [
          ['<base-run>', baseId],
          ['<run>', runId],
        ] as const) {
          if (!known.has(id)) {
            await store.close()
            throw Object.assign(new Error(`${flag}: no data for run "${id}" in database ${store.database}`), {
              code: 'REPORT_ERR_RUN',
            })
          }
        }
        const base = await runFigures(store, baseId)
        const run = await runFigures(store, runId)
        await store.close()
        const rows = compareFigures(base, run, budgets)
        process.stdout.write(`${formatComparison(rows, baseId, runId)}\n`)
        const broken = rows.filter((r) => r.broken)
        if (broken.length > 0) {
          process.stdout.write(`\nFAIL: ${broken.map((r) => r.budget?.text).join(', ')} broken\n`)
          process.exit(1)
        }
        process.stdout.write('\nok: every budget holds\n')
      } catch (err) {
        fail(err)
      }
    })
}
