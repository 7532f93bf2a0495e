import { readdirSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Command } from 'commander'
import { applyConfig, ConfigError, findConfigFile, loadConfig } from './config.ts'

/**
 * `d11`: every subcommand lives in `commands/<name>.ts` and exports `register(program)`.
 * Commands import their heavy dependencies inside their actions, so `d11 --help` stays instant.
 */
export async function buildProgram(): Promise<Command> {
  const program = new Command('d11')
    .description(
      "Double11 Lab: rehearse Singles' Day before it happens. Generate a seeded world, run the mock\n" +
        'Tmall platform and the merchant services, replay a peak with k6, land the evidence in\n' +
        'ClickHouse and read the SLA and payout report.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true, showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Start here:
  d11 run                                   the whole rehearsal on the defaults (about a minute)
  d11 run --profile understaffed --duration 2m
  d11 whatif examples/phone-oversell.yaml   000's oversold phone, simulated in seconds

Step by step:
  d11 gen --out data/ && d11 serve --world data/ --platform-port 3000
  d11 load peak-nov11 --data data/ --base-url http://127.0.0.1:3000 --run-id peak-1
  d11 report peak-1 && d11 compare baseline peak-1 --fail-on p99+10%,payout+5%

Every command's options may sit in d11.config.json or d11.config.yaml (top level, or under the
command's name); flags win; unknown keys are errors. ClickHouse is embedded (.d11/clickhouse)
unless CLICKHOUSE_URL (with CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_DB) names a server.
Run "d11 <command> --help" for each command's options, defaults and examples.`,
    )
  const dir = fileURLToPath(new URL('./commands/', import.meta.url))
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort()
  for (const file of files) {
    const mod = (await import(pathToFileURL(dir + file).href)) as { register?: (p: Command) => void }
    mod.register?.(program)
  }
  program.option(
    '--config <file>',
    'config file holding any option (flags override it)',
    'd11.config.{json,yaml}',
  )
  program.hook('preAction', (_root, action) => {
    const explicit = program.getOptionValueSource('config') === 'cli' ? program.opts().config : undefined
    const file = explicit ?? findConfigFile(process.cwd())
    if (!file) return
    try {
      applyConfig(action, loadConfig(file, program))
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      process.stderr.write(`d11: ${err.message}\n`)
      process.exit(2)
    }
  })
  return program
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) {
  const program = await buildProgram()
  await program.parseAsync(process.argv)
}
