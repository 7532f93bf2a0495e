import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO } from '../src/rules-doc.ts'

const CODE =
  /\b(?:(?:PLAT|MERCH|STORE|SIM|REPORT)_ERR_[A-Z0-9_]*[A-Z0-9]|K6R_[A-Z_]*[A-Z]|D11_ERR_CONFIG|D11_RULES_CONFIG)\b/g

function sources(): string[] {
  const files: string[] = []
  for (const top of ['packages', 'apps']) {
    for (const pkg of readdirSync(join(REPO, top))) {
      const src = join(REPO, top, pkg, 'src')
      try {
        for (const e of readdirSync(src, { withFileTypes: true, recursive: true })) {
          if (e.isFile() && e.name.endsWith('.ts')) files.push(join(e.parentPath, e.name))
        }
      } catch {
        // a package without src/
      }
    }
  }
  return files
}

describe('docs/errors.md', () => {
  it('documents every error code the source raises', () => {
    const doc = readFileSync(join(REPO, 'docs', 'errors.md'), 'utf8')
    const codes = new Set<string>()
    for (const f of sources()) for (const m of readFileSync(f, 'utf8').matchAll(CODE)) codes.add(m[0])
    expect(codes.size).toBeGreaterThan(40)
    const missing = [...codes].filter((c) => !doc.includes(`\`${c}\``)).sort()
    expect(missing).toEqual([])
  })
})
