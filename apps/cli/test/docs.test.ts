import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { RULE_CATALOGUE } from '@d11/rules/catalogue'
import { describe, expect, it } from 'vitest'
import {
  KEPT_UNCALLED,
  REPO,
  renderRulesDoc,
  rulesCallGraph,
  uncalledRuleFunctions,
} from '../src/rules-doc.ts'

describe('docs/rules.md', () => {
  it('is current with the code (regenerate with pnpm docs:rules)', () => {
    expect(readFileSync(join(REPO, 'docs', 'rules.md'), 'utf8')).toBe(renderRulesDoc())
  })

  it('has a row for every rule of the catalogue, with its sources, each implemented somewhere', () => {
    const doc = readFileSync(join(REPO, 'docs', 'rules.md'), 'utf8')
    expect(RULE_CATALOGUE.length).toBeGreaterThanOrEqual(30)
    for (const rule of RULE_CATALOGUE) {
      const row = doc.split('\n').find((l) => l.startsWith(`| ${rule.id} |`))
      expect(row, rule.id).toBeDefined()
      const cells = row!.split(' | ')
      expect(cells[1], `${rule.id} title`).toBe(rule.title)
      expect(cells[2], `${rule.id} sources`).toBe(rule.sources.join(', '))
      expect(cells[3], `${rule.id} implementation`).not.toBe('—')
    }
  })

  it('counts a rule function called by another called rule function as called', () => {
    const graph = rulesCallGraph()
    expect([...(graph.get('@d11/rules/calendar#getCalendar') ?? [])]).toContain(
      '@d11/rules/calendar#loadCalendarFile',
    )
    expect([...(graph.get('@d11/rules/shipping#pickupDeadlineInfo') ?? [])]).toContain(
      '@d11/rules/calendar#paymentWave',
    )
    const uncalled = uncalledRuleFunctions()
    expect(uncalled).not.toContain('@d11/rules/calendar#loadCalendarFile')
    expect(uncalled).not.toContain('@d11/rules/calendar#paymentWave')
    expect(uncalled).not.toContain('@d11/rules/registration#eligibilityVerdict')
  })

  it('gives every rule function nothing calls a reason, and no reason to a function that is called', () => {
    expect(uncalledRuleFunctions()).toEqual(Object.keys(KEPT_UNCALLED).sort())
  })
})
