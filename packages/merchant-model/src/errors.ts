/**
 * The one registry of coded merchant-service errors. Each code carries the rule of the
 * rule catalogue (docs/rules.md) it concerns ('' when it is about configuration or the request itself);
 * README.md documents every code (test/errors.test.ts keeps the two in step).
 */
export const MERCHANT_ERROR_CODES = {
  MERCH_ERR_PROFILE_UNKNOWN: { ruleId: '', message: 'no such profile' },
  MERCH_ERR_PROFILE_INVALID: { ruleId: '', message: 'profile does not match its schema' },
  MERCH_ERR_SHIFT_OVERLAP: { ruleId: '', message: 'shifts overlap' },
  MERCH_ERR_OVERRIDE: { ruleId: '', message: 'bad --set override' },
  MERCH_ERR_MIX: { ruleId: '', message: 'bad merchant population mix' },
  MERCH_ERR_PUSH_INVALID: { ruleId: '', message: 'push body does not match the webhook schema' },
  MERCH_ERR_INTERNAL: { ruleId: '', message: 'internal error (details in the service log only)' },
  MERCH_ERR_CLOCK: { ruleId: 'CAL-2', message: 'the platform clock could not be read' },
} as const

export type MerchantErrorCode = keyof typeof MERCHANT_ERROR_CODES

/** Base error of @d11/merchant: a fixed code, the file/field at fault, and how to fix it. */
export class MerchantError extends Error {
  readonly code: MerchantErrorCode
  readonly ruleId: string
  readonly field: string

  constructor(code: MerchantErrorCode, field: string, detail?: string) {
    const def = MERCHANT_ERROR_CODES[code]
    const ruleTag = def.ruleId ? `${def.ruleId}: ` : ''
    super(`${code}: ${ruleTag}${detail ?? def.message}${field ? ` (field ${field})` : ''}`)
    this.name = 'MerchantError'
    this.code = code
    this.ruleId = def.ruleId
    this.field = field
  }
}
