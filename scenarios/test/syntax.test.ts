// The syntax guard that needs no k6: every script under scenarios/ must parse as the ES2017 module
// syntax k6 v0.49 (Babel before v0.52) accepts: no object spread/rest, no numeric separators.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'acorn'
import { describe, expect, it } from 'vitest'

const SCENARIOS_DIR = fileURLToPath(new URL('..', import.meta.url))

/**
 * lib/catalog.js is read by Node only (the CLI's scenario list; `import.meta.url` is ES2020): the
 * test below proves no k6 script imports it.
 */
const NODE_ONLY = new Set(['lib/catalog.js'])

function scriptsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'test') return []
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return scriptsUnder(path)
    return entry.name.endsWith('.js') ? [path] : []
  })
}

/** acorn's error for `source` parsed as an ES2017 module, or '' when it parses. */
function es2017Error(source: string): string {
  try {
    parse(source, { ecmaVersion: 2017, sourceType: 'module' })
    return ''
  } catch (err) {
    return (err as Error).message
  }
}

describe('scenarios parse as ES2017 modules (what k6 v0.49 accepts)', () => {
  const files = scriptsUnder(SCENARIOS_DIR)

  it('finds the scenarios and their lib', () => {
    const names = files.map((f) => relative(SCENARIOS_DIR, f))
    expect(names).toContain('peak-nov11.js')
    expect(names).toContain('lib/platform.js')
    expect(names.length).toBeGreaterThanOrEqual(14)
  })

  it('no k6 script imports the Node-only files', () => {
    for (const file of files) {
      const source = readFileSync(file, 'utf8')
      for (const nodeOnly of NODE_ONLY) expect(source, file).not.toContain(nodeOnly.replace('lib/', ''))
    }
  })

  for (const file of files.filter((f) => !NODE_ONLY.has(relative(SCENARIOS_DIR, f)))) {
    it(relative(SCENARIOS_DIR, file), () => {
      expect(es2017Error(readFileSync(file, 'utf8'))).toBe('')
    })
  }

  it('the guard rejects the syntax k6 v0.49 rejects', () => {
    expect(es2017Error('const a = { ...b }')).toMatch(/Unexpected token/)
    expect(es2017Error('const n = 3_600_000')).toMatch(/Identifier directly after number|Invalid/)
    expect(es2017Error('const { a, ...rest } = b')).toMatch(/Unexpected token/)
    expect(
      es2017Error('import http from "k6/http"\nexport default async function () { await http.get("x") }'),
    ).toBe('')
  })
})
