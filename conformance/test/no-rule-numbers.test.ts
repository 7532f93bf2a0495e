import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * No rule number in the platform or the simulator: their rule figures come from the ruleset in
 * force through @d11/order-flow. Numeric literals (not comments, not strings) are read from the
 * TypeScript syntax tree; a literal equal to a rule figure fails unless the allow-list says why it is
 * not one.
 */

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)))
const SCANNED = ['apps/platform/src', 'packages/sim/src']

/**
 * Figures of the rules (shared/domain/rules.md and the rulesets): 48 h / 24 h / 72 h deadlines,
 * 500 yuan and 50 000 fen caps, 30 % and 3000 bp, 30 days, 15 days, ×1.5 and 15 000 bp, PAY-6's
 * 5 % / 15 % / 20 orders / 10 complaints.
 */
const RULE_NUMBERS = new Set([48, 24, 72, 500, 50_000, 0.3, 3000, 30, 15, 1.5, 15_000, 5, 20, 10])

/** `file: value` → why that literal is not a rule figure. */
const ALLOWED: Record<string, string> = {
  'apps/platform/src/app.ts: 500': 'HTTP status codes (4xx range end, 500 Internal Server Error)',
  'apps/platform/src/rooms/consultation/service.ts: 10': 'length of a YYYY-MM-DD day key',
  'packages/sim/src/simulate-io.ts: 15': 'bit shift of the per-order hash (orderDraw)',
  'packages/sim/src/report.ts: 20': 'chart margin in pixels',
  'apps/platform/src/config.ts: 5': 'webhook delivery attempts (transport, not a rule)',
  'apps/platform/src/plugins/overload.ts: 10':
    'microseconds to hundredths of a ms (latency histogram rounding)',
  'apps/platform/src/errors.ts: 500': 'HTTP status 500 of PLAT_ERR_INTERNAL',
  'apps/platform/src/fault.ts: 15': 'bit shift of the fault-injection PRNG hash',
  'apps/platform/src/server.ts: 3000': 'default TCP port',
  'apps/platform/src/testing.ts: 20': "a test shop's manual response seconds (world data, not a threshold)",
  'apps/platform/src/testing.ts: 10': "a test shop's refund processing hours (world data, not a threshold)",
  'apps/platform/src/rooms/complaints/schemas.ts: 500': 'maximum length of an appeal reason (request schema)',
  'apps/platform/src/rooms/price-protection/schemas.ts: 20': 'maximum perks per request (request schema)',
  'packages/sim/src/engine.ts: 5': 'event-kind constant (heap priority), not a figure',
  'packages/sim/src/scenario.ts: 20': 'default half-life of a burst in minutes (traffic shape)',
  'packages/sim/src/scenario.ts: 10': 'upper bound of oversellShare in the scenario schema (input range)',
  'packages/sim/src/scenario.ts: 30': 'default horizon in simulated days after the window (run length)',
  'packages/sim/src/scripted.ts: 20': 'default horizon of a scripted history in days (run length)',
  'packages/sim/src/twin.ts: 24': 'hours in a day (DAY = 24 * HOUR)',
}

function numericLiterals(file: string): Array<{ value: number; line: number }> {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const out: Array<{ value: number; line: number }> = []
  const visit = (node: ts.Node) => {
    if (ts.isNumericLiteral(node)) {
      const line = src.getLineAndCharacterOfPosition(node.getStart(src)).line + 1
      out.push({ value: Number(node.text), line })
    }
    ts.forEachChild(node, visit)
  }
  visit(src)
  return out
}

function files(dir: string): string[] {
  return readdirSync(join(REPO, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
}

describe('no rule number in apps/platform/src or packages/sim/src', () => {
  it('every numeric literal equal to a rule figure is allowed with a reason', () => {
    const hits: string[] = []
    const used = new Set<string>()
    for (const dir of SCANNED) {
      for (const file of files(dir)) {
        for (const lit of numericLiterals(file)) {
          if (!RULE_NUMBERS.has(lit.value)) continue
          const key = `${relative(REPO, file)}: ${lit.value}`
          if (ALLOWED[key]) used.add(key)
          else hits.push(`${relative(REPO, file)}:${lit.line}: ${lit.value}`)
        }
      }
    }
    expect(hits, 'rule figures must come from the ruleset through @d11/order-flow').toEqual([])
    // the allow-list names only literals that exist (in files that still exist here: a file moved
    // out of the scanned folders takes its entries' reasons with it)
    const stale = Object.keys(ALLOWED).filter(
      (k) => !used.has(k) && existsSync(join(REPO, k.split(': ')[0]!)),
    )
    expect(stale).toEqual([])
  })

  it('the parser sees literals, not comments or strings', () => {
    const dir = join(REPO, 'conformance', 'test')
    const here = numericLiterals(join(dir, 'no-rule-numbers.test.ts')).map((l) => l.value)
    expect(here).toContain(48) // the RULE_NUMBERS set above
    expect(here).not.toContain(777_000 + 1) // only in this comment: 777001
  })
})
