import { readdirSync, readFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RULE_CATALOGUE, RULE_FAMILIES } from '../src/catalogue.ts'
import { RULE_INDEX, unimplementedRuleIds } from '../src/rule-index.ts'

const ruleIds = RULE_CATALOGUE.map((rule) => rule.id)

const testDir = import.meta.dirname
const testSources = readdirSync(testDir)
  .filter((f) => f.endsWith('.test.ts') && f !== basename(import.meta.filename))
  .map((f) => readFileSync(resolve(testDir, f), 'utf8'))

describe('every rule of the catalogue is implemented and tested', () => {
  it('lists each rule once, numbered from 1 within each of the six families, titled and sourced', () => {
    expect(new Set(ruleIds).size).toBe(ruleIds.length)
    for (const family of RULE_FAMILIES) {
      const numbers = ruleIds
        .filter((id) => id.startsWith(`${family}-`))
        .map((id) => Number(id.split('-')[1]))
      expect(numbers.length, family).toBeGreaterThan(0)
      expect(numbers, family).toEqual(numbers.map((_, i) => i + 1))
    }
    expect(ruleIds.filter((id) => !RULE_FAMILIES.some((f) => id.startsWith(`${f}-`)))).toEqual([])
    for (const rule of RULE_CATALOGUE) {
      expect(rule.title.length, rule.id).toBeGreaterThan(2)
      expect(rule.sources.length, rule.id).toBeGreaterThan(0)
    }
  })

  it('leaves no catalogue rule unimplemented', () => {
    expect(unimplementedRuleIds()).toEqual([])
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

  it('rule-index names no rule that the catalogue lacks', () => {
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
