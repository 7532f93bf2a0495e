import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Command, Option } from 'commander'
import { parse as parseYaml } from 'yaml'

/** Config file names looked up in the working directory, first match wins. */
export const CONFIG_FILES = ['d11.config.json', 'd11.config.yaml', 'd11.config.yml'] as const

export class ConfigError extends Error {
  readonly code = 'D11_ERR_CONFIG'
}

export interface LoadedConfig {
  file: string
  /** Top-level options, applied to every command that has them. */
  shared: Record<string, unknown>
  /** Per-command sections: `{ "run": { "duration": "30s" } }`. */
  sections: Record<string, Record<string, unknown>>
}

export function findConfigFile(cwd: string): string | undefined {
  for (const name of CONFIG_FILES) {
    const file = path.join(cwd, name)
    if (existsSync(file)) return file
  }
  return undefined
}

/** Reads a config file; every key must be an option of some command or a command section. */
export function loadConfig(file: string, program: Command): LoadedConfig {
  let raw: unknown
  try {
    const text = readFileSync(file, 'utf8')
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)
  } catch (err) {
    throw new ConfigError(`${file}: cannot parse: ${(err as Error).message}`)
  }
  if (raw === null || raw === undefined) raw = {}
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${file}: must hold an object of options`)
  }
  const commands = new Map(program.commands.map((c) => [c.name(), c]))
  const allKeys = new Set<string>()
  for (const c of program.commands) for (const o of c.options) allKeys.add(o.attributeName())
  const shared: Record<string, unknown> = {}
  const sections: Record<string, Record<string, unknown>> = {}
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const command = commands.get(key)
    if (command) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new ConfigError(`${file}: ${key}: a command section must be an object of options`)
      }
      const known = new Set(command.options.map((o) => o.attributeName()))
      for (const sub of Object.keys(value)) {
        if (!known.has(sub)) {
          throw new ConfigError(
            `${file}: ${key}.${sub}: unknown option of "d11 ${key}" (see d11 ${key} --help)`,
          )
        }
      }
      sections[key] = value as Record<string, unknown>
    } else if (allKeys.has(key)) {
      shared[key] = value
    } else {
      throw new ConfigError(`${file}: ${key}: unknown key (not a command nor an option of any command)`)
    }
  }
  return { file, shared, sections }
}

/** Fills options the command line left unset from the config; flags always win. */
export function applyConfig(command: Command, config: LoadedConfig): void {
  const section = config.sections[command.name()] ?? {}
  for (const option of command.options as readonly Option[]) {
    const key = option.attributeName()
    const source = command.getOptionValueSource(key)
    if (source === 'cli' || source === 'env') continue
    const value = key in section ? section[key] : config.shared[key]
    if (value === undefined) continue
    let parsed: unknown = value
    if (option.parseArg && typeof value !== 'boolean') {
      try {
        parsed = option.parseArg(String(value), undefined as unknown as string)
      } catch (err) {
        throw new ConfigError(`${config.file}: ${key}: ${(err as Error).message}`)
      }
    }
    command.setOptionValueWithSource(key, parsed, 'config')
  }
}
