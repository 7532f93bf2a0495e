import { parseArgs } from 'node:util'
import { K6RunnerError } from './errors.ts'
import { runScript } from './run.ts'

const USAGE = `usage: tsx src/cli.ts run <script.js> [--out json=FILE] [-e KEY=VALUE]... [--connections N]
  Runs a k6 script like \`k6 run\`; exits with k6's code (99 when a threshold is crossed).
  --out json=FILE   write every sample in k6's --out json format (default: none)
  -e, --env K=V     add K=V to __ENV (default: the process environment only)
  --connections N   cap pooled connections per host (default: no cap)
  example: tsx src/cli.ts run ../../scenarios/peak-nov11.js --out json=samples.json -e BASE_URL=http://127.0.0.1:7001`

/** `k6 run`-like entry point; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`)
    return 2
  }
  const result = await runScript(parsed)
  return result.exitCode
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      env: { type: 'string', short: 'e', multiple: true },
      connections: { type: 'string' },
    },
  })
  const [command, script] = positionals
  if (command !== 'run' || !script) throw new K6RunnerError('K6R_USAGE', 'expected: run <script.js>')
  const env: Record<string, string> = {}
  for (const pair of values.env ?? []) {
    const i = pair.indexOf('=')
    if (i <= 0) throw new K6RunnerError('K6R_USAGE', `--env '${pair}' must be KEY=VALUE`)
    env[pair.slice(0, i)] = pair.slice(i + 1)
  }
  let out: string | undefined
  if (values.out !== undefined) {
    if (!values.out.startsWith('json='))
      throw new K6RunnerError('K6R_USAGE', `--out '${values.out}': only json=FILE is supported`)
    out = values.out.slice(5)
  }
  const connections = values.connections === undefined ? undefined : Number(values.connections)
  if (connections !== undefined && !(Number.isInteger(connections) && connections > 0)) {
    throw new K6RunnerError(
      'K6R_USAGE',
      `--connections must be a positive integer (got ${values.connections})`,
    )
  }
  return { script, env, ...(out ? { out } : {}), ...(connections ? { connectionsPerHost: connections } : {}) }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  process.exitCode = await main(process.argv.slice(2))
}
