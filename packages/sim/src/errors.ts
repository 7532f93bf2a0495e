/**
 * The one error class of `@d11/sim`. `code` is fixed per failure kind; messages name the field
 * (or flag) that was wrong, the rule it relates to when there is one, and how to fix it.
 */
export type SimErrorCode =
  | 'SIM_ERR_SCENARIO' // a scenario file or override failed validation
  | 'SIM_ERR_GRID' // a --grid flag could not be parsed
  | 'SIM_ERR_RULES' // @d11/rules returned something the engine cannot use
  | 'SIM_ERR_WORKER' // a grid worker failed
  | 'SIM_ERR_TWIN' // the live half of the two-engine comparison could not be driven

export class SimError extends Error {
  readonly code: SimErrorCode
  constructor(code: SimErrorCode, message: string) {
    super(message)
    this.name = 'SimError'
    this.code = code
  }
}
