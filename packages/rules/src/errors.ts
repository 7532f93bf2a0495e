/**
 * The one error class of `@d11/rules`. Thrown only for bad *configuration* (ruleset and calendar
 * files, unknown ids); business checks return a {@link Verdict} instead of throwing.
 */
export class RulesError extends Error {
  readonly code = 'D11_RULES_CONFIG'
  /** Rule ID (the rule catalogue, `docs/rules.md`) the bad value belongs to (e.g. `PRICE-1`). */
  readonly ruleId: string
  /** Data file (relative to the package root) the error was found in, when any. */
  readonly file: string | undefined
  /** Field path such as `tiers.S1[2]`, when any. */
  readonly field: string | undefined

  constructor(message: string, opts: { ruleId: string; file?: string; field?: string }) {
    super(message)
    this.name = 'RulesError'
    this.ruleId = opts.ruleId
    this.file = opts.file
    this.field = opts.field
  }
}
