import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RULE_CATALOGUE } from '../src/catalogue.ts'

// The written specification lives outside the repository (`<repo>/../shared`, or `<repo>/shared` in
// some checkouts). A clone has neither, so this is the one check here that may be skipped; CI runs
// it in place, where the specification sits beside the checkout.
const repo = resolve(import.meta.dirname, '../../..')
const specPath = [resolve(repo, '../shared/domain/rules.md'), resolve(repo, 'shared/domain/rules.md')].find(
  (p) => existsSync(p),
)

interface SpecRule {
  id: string
  sources: string[]
}

/** One entry per top-level `- **ID Title** …` bullet, with the sources cited anywhere in it. */
function parseSpec(text: string): SpecRule[] {
  const bullets = text.split(/\n(?=- \*\*|## |\n)/)
  const rules: SpecRule[] = []
  for (const bullet of bullets) {
    const head = /^- \*\*([A-Z]+-\d+)\b/.exec(bullet)
    if (!head) continue
    const sources = new Set<string>()
    // `(000)`, `(000, 001)`, `(001: a 3-day presale …)`, `(002, 2024)`: source numbers open a parenthesis.
    for (const [, inside] of bullet.matchAll(/\(([^)]*)\)/g)) {
      const cited = inside!.split(':')[0]!
      for (const [n] of cited.matchAll(/(?<![\d-])00[0-4](?!\d)/g)) sources.add(n)
    }
    if (/\bpublic\b/i.test(bullet)) sources.add('public')
    rules.push({ id: head[1]!, sources: [...sources].sort() })
  }
  return rules
}

const title = specPath
  ? 'lists every rule ID of shared/domain/rules.md with its sources'
  : 'skipped: no shared/domain/rules.md beside or inside the repository to compare with'
// The default reporter shows only a count of skipped tests: say why in the log too.
if (!specPath) console.warn(`rule catalogue check ${title}`)

describe('the rule catalogue against the written specification', () => {
  it.skipIf(!specPath)(title, () => {
    const spec = parseSpec(readFileSync(specPath!, 'utf8'))
    expect(spec.length).toBeGreaterThanOrEqual(30)
    const catalogue = RULE_CATALOGUE.map((rule) => ({ id: rule.id, sources: [...rule.sources].sort() }))
    expect(catalogue).toEqual(spec)
  })
})
