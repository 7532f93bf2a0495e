import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RULE_INDEX } from '../src/rule-index.ts'

/** shared/ sits beside the repository root (`<repo>/../shared`); some checkouts carry it inside. */
function findRulesMd(): string {
  const repo = resolve(import.meta.dirname, '../../..')
  const candidates = [resolve(repo, '../shared/domain/rules.md'), resolve(repo, 'shared/domain/rules.md')]
  const found = candidates.find((p) => existsSync(p))
  if (!found) throw new Error(`shared/domain/rules.md not found; looked in ${candidates.join(', ')}`)
  return found
}

const rulesMd = readFileSync(findRulesMd(), 'utf8')
const ruleIds = [...new Set([...rulesMd.matchAll(/\*\*([A-Z]+-\d+)\b/g)].map((m) => m[1]!))]

const testDir = import.meta.dirname
const testSources = readdirSync(testDir)
  .filter((f) => f.endsWith('.test.ts') && f !== basename(import.meta.filename))
  .map((f) => readFileSync(resolve(testDir, f), 'utf8'))

describe('every rule of shared/domain/rules.md is implemented and tested', () => {
  it('parses the rule IDs of rules.md (all six families present)', () => {
    const families = new Set(ruleIds.map((id) => id.split('-')[0]))
    expect([...families].sort()).toEqual(['CAL', 'EXP', 'PAY', 'PRICE', 'REG', 'SHIP'])
  })

  for (const id of ruleIds) {
    it(`${id} has an implementation in rule-index whose functions exist`, async () => {
      const impls = RULE_INDEX[id]
      expect(impls, `${id} missing from src/rule-index.ts`).toBeDefined()
      expect(impls!.length).toBeGreaterThan(0)
      for (const ref of impls!) {
        const [mod, fn] = ref.split('#')
        const exports = (await import(`../src/${mod}.ts`)) as Record<string, unknown>
        expect(typeof exports[fn!], `${ref} is not an exported function`).toBe('function')
      }
    })

    it(`${id} is referenced by a test`, () => {
      const pattern = new RegExp(`\\b${id}\\b`)
      expect(
        testSources.some((src) => pattern.test(src)),
        `no test file (other than coverage.test.ts) mentions ${id}`,
      ).toBe(true)
    })
  }

  it('rule-index names no rule that rules.md lacks', () => {
    expect(Object.keys(RULE_INDEX).filter((id) => !ruleIds.includes(id))).toEqual([])
  })

  it('every rule-index module is a package export', () => {
    const pkg = JSON.parse(readFileSync(resolve(testDir, '../package.json'), 'utf8')) as {
      exports: Record<string, string>
    }
    for (const ref of Object.values(RULE_INDEX).flat()) {
      const mod = ref.split('#')[0]!
      expect(pkg.exports[`./${mod}`]).toBe(`./src/${mod}.ts`)
    }
  })
})
