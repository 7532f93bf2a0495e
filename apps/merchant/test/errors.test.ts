import { readFileSync } from 'node:fs'
import { MERCHANT_ERROR_CODES, MerchantError } from '@d11/merchant-model/errors'
import { describe, expect, it } from 'vitest'

describe('error registry', () => {
  it('documents every code in README.md', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    for (const code of Object.keys(MERCHANT_ERROR_CODES)) expect(readme).toContain(`\`${code}\``)
  })

  it('puts the code, the rule and the field in the message', () => {
    const err = new MerchantError('MERCH_ERR_CLOCK', 'platformUrl', 'cannot read the clock')
    expect(err.message).toBe('MERCH_ERR_CLOCK: CAL-2: cannot read the clock (field platformUrl)')
    expect(err.ruleId).toBe('CAL-2')
  })
})
