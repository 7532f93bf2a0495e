import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseRuleSpec, REPO, renderRulesDoc, rulesSpecPath } from '../src/rules-doc.ts'

const spec = readFileSync(rulesSpecPath(), 'utf8')

describe('docs/rules.md', () => {
  it('is current with the code (regenerate with pnpm docs:rules)', () => {
    expect(readFileSync(join(REPO, 'docs', 'rules.md'), 'utf8')).toBe(renderRulesDoc(spec))
  })

  it('has a row for every rule ID of the specification, each implemented and applied somewhere', () => {
    const doc = readFileSync(join(REPO, 'docs', 'rules.md'), 'utf8')
    const ids = parseRuleSpec(spec).map((r) => r.id)
    expect(ids.length).toBeGreaterThanOrEqual(30)
    for (const id of ids) {
      const row = doc.split('\n').find((l) => l.startsWith(`| ${id} |`))
      expect(row, id).toBeDefined()
      const cells = row!.split(' | ')
      expect(cells[2], `${id} implementation`).not.toBe('—')
    }
  })
})
