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
      "Double11 Lab: rehearse Singles' Day before it happens.\n" +
        'Generate a seeded world, run the mock Tmall platform and merchant services, replay a peak with k6,\n' +
        'land the evidence in ClickHouse and read the SLA and payout report.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true, showGlobalOptions: true })
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
