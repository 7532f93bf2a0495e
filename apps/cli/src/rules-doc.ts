import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ERROR_CODES } from '@d11/platform/errors'
import { RULE_CATALOGUE } from '@d11/rules/catalogue'
import { RULE_INDEX } from '@d11/rules/rule-index'
import ts from 'typescript'

/**
 * Builds `docs/rules.md`: for every rule of the catalogue (`@d11/rules/catalogue`: title and
 * sources), the `@d11/rules` functions that implement it, the `@d11/order-flow` decisions that
 * call them and the platform and simulator files that call those (found by parsing imports and
 * calls with the TypeScript compiler), and the error codes that cite it. Generated from the code so
 * it cannot drift (`pnpm docs:rules`; a test compares).
 */

export const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)))

/** Where the order lifecycle is decided, and the two engines that call those decisions. */
const DECIDER = 'packages/order-flow/src'
const PLATFORM = 'apps/platform/src'
const SIMULATOR = 'packages/sim/src'
/** The rules package itself: its functions count as called when a called rule function calls them. */
const RULES = 'packages/rules/src'
/** Every other workspace package and app (generator, curve, store, report, merchant, CLI …): found, not listed. */
function otherSourceDirs(): string[] {
  const known = new Set([DECIDER, PLATFORM, SIMULATOR, RULES])
  return ['packages', 'apps']
    .flatMap((root) =>
      existsSync(join(REPO, root))
        ? readdirSync(join(REPO, root), { withFileTypes: true })
            .filter((e) => e.isDirectory())
            .map((e) => `${root}/${e.name}/src`)
        : [],
    )
    .filter((d) => !known.has(d) && existsSync(join(REPO, d)))
    .sort()
}

/** Why a rule function that nothing calls is kept anyway (one line each, printed in the doc). */
export const KEPT_UNCALLED: Readonly<Record<string, string>> = {
  '@d11/rules/price#toHandFloorFen':
    "a merchant's planning figure (the lowest to-hand unit price the cross-store coupon allows); no order decision depends on it",
  '@d11/rules/shipping#shipmentVerdict':
    'SHIP-1/3 judged after the fact; the engines schedule the deadline from pickupDeadlineInfo and act when it passes',
}

function sourceFiles(dir: string): string[] {
  const abs = join(REPO, dir)
  if (!existsSync(abs)) return []
  const out: string[] = []
  for (const entry of readdirSync(abs, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.(ts|mts)$/.test(entry.name)) out.push(join(entry.parentPath, entry.name))
  }
  return out.sort()
}

/** A call of an imported function: which function (`@d11/rules/compensation#appealVerdict`), from where. */
export interface CallSite {
  callee: string
  /** repository-relative file */
  file: string
  /** enclosing function or method, e.g. `appeal` or `ComplaintsService.appeal` ('' at top level) */
  caller: string
}

/** Name of the function, method or function-valued variable around `node`. */
function enclosingName(node: ts.Node): string {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isFunctionDeclaration(n) && n.name) return n.name.text
    if (ts.isMethodDeclaration(n) && ts.isIdentifier(n.name)) {
      const cls = n.parent
      return ts.isClassDeclaration(cls) && cls.name ? `${cls.name.text}.${n.name.text}` : n.name.text
    }
    if (
      ts.isVariableDeclaration(n) &&
      ts.isIdentifier(n.name) &&
      n.initializer &&
      ts.isArrowFunction(n.initializer)
    )
      return n.name.text
  }
  return ''
}

/**
 * Calls of functions imported from `@d11/rules/*` and `@d11/order-flow/*` in one file, found by
 * parsing its imports and call expressions (`f(...)` and `new F(...)`), not by text: a mention in
 * a comment is not a call.
 */
export function callsIn(file: string): CallSite[] {
  const text = readFileSync(file, 'utf8')
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const imported = new Map<string, string>()
  for (const st of src.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue
    const from = st.moduleSpecifier.text
    if (!from.startsWith('@d11/rules/') && !from.startsWith('@d11/order-flow/')) continue
    const named = st.importClause?.namedBindings
    if (!named || !ts.isNamedImports(named)) continue
    for (const el of named.elements) {
      if (el.isTypeOnly) continue
      imported.set(el.name.text, `${from}#${(el.propertyName ?? el.name).text}`)
    }
  }
  const out: CallSite[] = []
  const rel = relative(REPO, file)
  const visit = (node: ts.Node) => {
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && ts.isIdentifier(node.expression)) {
      const callee = imported.get(node.expression.text)
      if (callee) out.push({ callee, file: rel, caller: enclosingName(node) })
    }
    ts.forEachChild(node, visit)
  }
  visit(src)
  return out
}

function callsUnder(dirs: string[]): CallSite[] {
  return dirs.flatMap((d) => sourceFiles(d).flatMap(callsIn))
}

const code = (s: string) => `\`${s}\``
const uniq = (xs: string[]) => [...new Set(xs)]

/** The @d11/rules functions of a rule, as `@d11/rules/<module>#<fn>`. */
function ruleFunctions(id: string): string[] {
  return (RULE_INDEX[id] ?? []).map((f) => `@d11/rules/${f}`)
}

export interface RuleWiring {
  id: string
  title: string
  /** source articles (`000`–`004`) or `public`, from the catalogue */
  sources: readonly string[]
  functions: string[]
  /** order-flow decisions (`@d11/order-flow/<module>#<fn>`) that call one of the functions */
  decisions: string[]
  platform: string[]
  simulator: string[]
  others: string[]
}

/** Every rule's functions and, by import and call, who decides with them and where both engines call that. */
export function ruleWiring(): RuleWiring[] {
  const decider = callsUnder([DECIDER])
  const platform = callsUnder([PLATFORM])
  const simulator = callsUnder([SIMULATOR])
  const others = callsUnder(otherSourceDirs())
  const moduleOf = (file: string) => `@d11/order-flow/${file.slice(DECIDER.length + 1).replace(/\.ts$/, '')}`
  return RULE_CATALOGUE.map((r) => {
    const functions = ruleFunctions(r.id)
    const decisions = uniq(
      decider
        .filter((c) => functions.includes(c.callee) && c.caller)
        .map((c) => `${moduleOf(c.file)}#${c.caller.split('.').pop()}`),
    )
    const reach = (sites: CallSite[]) =>
      uniq(
        sites.filter((c) => functions.includes(c.callee) || decisions.includes(c.callee)).map((c) => c.file),
      )
    return {
      id: r.id,
      title: r.title,
      sources: r.sources,
      functions,
      decisions,
      platform: reach(platform),
      simulator: reach(simulator),
      others: reach(others),
    }
  })
}

/**
 * Calls between the rules package's own functions, as caller -> callees (`@d11/rules/<module>#<fn>`):
 * imports of sibling modules (`./calendar.ts`) and calls of the module's own top-level functions,
 * attributed to the top-level function they sit in.
 */
export function rulesCallGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>()
  for (const file of sourceFiles(RULES)) {
    const moduleOf = (f: string) => `@d11/rules/${f.replace(/^\.\//, '').replace(/\.ts$/, '')}`
    const self = moduleOf(`./${relative(join(REPO, RULES), file)}`)
    const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
    const known = new Map<string, string>()
    for (const st of src.statements) {
      if (ts.isFunctionDeclaration(st) && st.name) known.set(st.name.text, `${self}#${st.name.text}`)
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue
      const from = st.moduleSpecifier.text
      const named = st.importClause?.namedBindings
      if (!from.startsWith('./') || !named || !ts.isNamedImports(named)) continue
      for (const el of named.elements)
        if (!el.isTypeOnly) known.set(el.name.text, `${moduleOf(from)}#${(el.propertyName ?? el.name).text}`)
    }
    for (const st of src.statements) {
      if (!ts.isFunctionDeclaration(st) || !st.name) continue
      const callees = new Set<string>()
      const visit = (node: ts.Node) => {
        if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
          const callee = known.get(node.expression.text)
          if (callee) callees.add(callee)
        }
        ts.forEachChild(node, visit)
      }
      visit(st)
      graph.set(`${self}#${st.name.text}`, callees)
    }
  }
  return graph
}

/**
 * @d11/rules functions of the rule index that nothing calls: not a workspace package or app (by
 * import and call; tests do not count), nor a rule function that is itself called.
 */
export function uncalledRuleFunctions(): string[] {
  const called = new Set(
    callsUnder([DECIDER, PLATFORM, SIMULATOR, ...otherSourceDirs()]).map((c) => c.callee),
  )
  const graph = rulesCallGraph()
  const queue = [...called]
  for (let f = queue.pop(); f !== undefined; f = queue.pop()) {
    for (const callee of graph.get(f) ?? []) {
      if (!called.has(callee)) {
        called.add(callee)
        queue.push(callee)
      }
    }
  }
  const all = uniq(Object.keys(RULE_INDEX).flatMap(ruleFunctions))
  return all.filter((f) => !called.has(f)).sort()
}

export function renderRulesDoc(): string {
  const codes = new Map<string, string[]>()
  for (const [c, def] of Object.entries(ERROR_CODES)) {
    if (!def.ruleId) continue
    codes.set(def.ruleId, [...(codes.get(def.ruleId) ?? []), c])
  }
  const short = (f: string) => code(f.replace(/^@d11\/(rules|order-flow)\//, ''))
  const cell = (xs: string[], f: (x: string) => string = code) => (xs.length ? xs.map(f).join('<br>') : '—')
  const rows = ruleWiring().map(
    (w) =>
      `| ${w.id} | ${w.title} | ${w.sources.join(', ')} | ${cell(w.functions, short)} | ${cell(w.decisions, short)} | ${cell(w.platform)} | ${cell(w.simulator)} | ${cell(w.others)} | ${cell(codes.get(w.id) ?? [])} |`,
  )
  const uncalled = uncalledRuleFunctions()
  return `# Rules: where each one lives

<!-- Generated by \`pnpm docs:rules\` from the code's imports and calls; apps/cli/test/docs.test.ts keeps it current. -->

Every rule of the catalogue ([\`packages/rules/src/catalogue.ts\`](../packages/rules/src/catalogue.ts): ID,
title and sources — articles 000–004 or a public Tmall rule) is a pure function in \`@d11/rules\`
(returning a verdict \`{ ok, ruleId, reason, amountFen? }\`, with the ruleset version in force at
the action). The order lifecycle's decisions that use them live once in
\`@d11/order-flow\`; the platform and the simulator call those decisions, so both judge alike (the
conformance suite in \`conformance/\` checks it). The columns below are found by parsing each file's
imports and call expressions — a rule ID in a comment counts for nothing:

- **Sources** — the articles (000–004) or \`public\` the rule comes from.
- **@d11/rules** — the functions that implement the rule (\`module#function\`).
- **@d11/order-flow** — the decisions that call one of them.
- **Platform**, **Simulator**, **Elsewhere** — the files that call one of those functions or decisions.
- **Errors**: a rejected request answers \`{ code, ruleId, field, message }\` (see [errors](errors.md)).
- **Stored rows**: every platform event, SLA verdict and payout that a rule produced carries it in
  the \`rule_id\` column of \`events\`, \`sla_verdicts\` or \`payouts\` (see [architecture](architecture.md)),
  so \`SELECT rule_id, sum(amount_fen) FROM payouts GROUP BY rule_id\` traces every fen to a rule.

| Rule | Name | Sources | @d11/rules | @d11/order-flow | Platform | Simulator | Elsewhere | Error codes |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

## Rule functions nothing calls

A function of the rule index counts as called when a workspace package or app imports and calls it
(tests do not count), or when a rule function that is itself called does.

${uncalled.length ? uncalled.map((f) => `- ${short(f)}${KEPT_UNCALLED[f] ? ` — ${KEPT_UNCALLED[f]}` : ''}`).join('\n') : 'None: every function of the rule index is called.'}
`
}

/** `pnpm docs:rules` rewrites docs/rules.md. */
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const { writeFileSync } = await import('node:fs')
  writeFileSync(join(REPO, 'docs', 'rules.md'), renderRulesDoc())
  process.stdout.write('docs/rules.md written\n')
}
