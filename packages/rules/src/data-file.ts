import { readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TSchema } from 'typebox'
import Value from 'typebox/value'
import { parse as parseYaml } from 'yaml'
import { RulesError } from './errors.ts'

/** Package root (`packages/rules`), used to print file names relative to it. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
/** Folder holding the shipped rulesets and calendars. */
export const RULESETS_DIR = resolve(PACKAGE_ROOT, 'rulesets')

/** Displays a path relative to the package root when inside it (`rulesets/2022-04-15.yaml`). */
export function displayPath(file: string): string {
  const rel = relative(PACKAGE_ROOT, file)
  return rel.startsWith('..') ? file : rel
}

/** Turns a JSON pointer (`/tiers/S1/2`) into a field path (`tiers.S1[2]`). */
export function pointerToField(pointer: string): string {
  if (pointer === '' || pointer === '/') return '(root)'
  let out = ''
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~')
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`
  }
  return out
}

/** Builds the standard message `file: field: what (RULE-ID)` and the matching error. */
export function configError(file: string, field: string, what: string, ruleId: string): RulesError {
  const shown = displayPath(file)
  return new RulesError(`${shown}: ${field}: ${what} (${ruleId})`, { ruleId, file: shown, field })
}

/** Reads a YAML or JSON file; a syntax error is reported with the file name and `ruleId`. */
export function readDataFile(file: string, ruleId: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw configError(file, '(file)', `cannot read: ${(err as Error).message}`, ruleId)
  }
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)
  } catch (err) {
    throw configError(file, '(file)', `not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`, ruleId)
  }
}

/**
 * Validates `data` against a TypeBox schema; on failure throws a {@link RulesError} for the most
 * specific error, naming the file, the field and the rule ID returned by `ruleFor(field)`.
 */
export function checkSchema<T extends TSchema>(
  schema: T,
  data: unknown,
  file: string,
  ruleFor: (field: string) => string,
): void {
  if (Value.Check(schema, data)) return
  const errors = [...Value.Errors(schema, data)]
  // Prefer the deepest path: it names the offending field rather than its container.
  errors.sort((a, b) => b.instancePath.length - a.instancePath.length)
  const first = errors.find((e) => e.keyword !== 'boolean' && e.keyword !== 'anyOf') ?? errors[0]
  if (!first) throw configError(file, '(root)', 'does not match the schema', ruleFor('(root)'))
  let field = pointerToField(first.instancePath)
  let what = first.message
  if (first.keyword === 'const') {
    const allowed = errors
      .filter((e) => e.keyword === 'const' && e.instancePath === first.instancePath)
      .map((e) => JSON.stringify((e.params as { allowedValue?: unknown }).allowedValue))
    what = `must be one of ${allowed.join(', ')}`
  }
  if (first.keyword === 'additionalProperties') {
    const extra = (first.params as { additionalProperties?: string[] }).additionalProperties?.[0]
    if (extra !== undefined) {
      field = field === '(root)' ? extra : `${field}.${extra}`
      what = 'unknown field'
    }
  }
  const value = valueAt(data, first.instancePath)
  const shown = value === undefined || typeof value === 'object' ? '' : ` (got ${JSON.stringify(value)})`
  throw configError(file, field, `${what}${shown}`, ruleFor(field))
}

function valueAt(data: unknown, pointer: string): unknown {
  let cur: unknown = data
  for (const part of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[part]
  }
  return cur
}
