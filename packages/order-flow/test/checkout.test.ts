import { describe, expect, it } from 'vitest'
import {
  CHECKOUT_ACCEPTED,
  CHECKOUT_ACCEPTED_OVERSOLD,
  CHECKOUT_MERCHANT_REMOVED,
  CHECKOUT_NOT_REGISTERED,
  CHECKOUT_OUT_OF_STOCK,
  CHECKOUT_REGION,
  type CheckoutLineInput,
  checkoutLine,
} from '../src/checkout.ts'
import { newDecision } from '../src/decision.ts'
import { at, rules2020 } from './helpers.ts'

const t = at('2020-11-11T00:05:00+08:00')
const line: CheckoutLineInput = {
  presale: false,
  registered: false,
  merchantRemoved: false,
  region: 'zhejiang',
  restrictedRegions: ['xizang'],
  requested: 1,
  knownSold: 0,
  basisUnits: 10,
  soldAfter: 1,
  physicalUnits: 10,
  policy: { reservation: 'strict', oversellShare: 0 },
}
const decide = (patch: Partial<CheckoutLineInput>) =>
  checkoutLine({ ...line, ...patch }, t, rules2020, newDecision())

describe('checkoutLine', () => {
  it('accepts a spot line in stock', () => {
    expect(decide({})).toMatchObject({ ok: true, code: CHECKOUT_ACCEPTED })
  })
  it('SHIP-5: restricted and unknown regions are rejected (the world vocabulary when given)', () => {
    expect(decide({ region: 'xizang' })).toMatchObject({ ok: false, code: CHECKOUT_REGION, ruleId: 'SHIP-5' })
    expect(decide({ region: 'atlantis' }).code).toBe(CHECKOUT_REGION)
    expect(decide({ region: '北京', knownRegions: ['北京'] }).code).toBe(CHECKOUT_ACCEPTED)
  })
  it('REG-1: a presale line needs the registration; PAY-6: a removed merchant sells no presale', () => {
    expect(decide({ presale: true })).toMatchObject({ code: CHECKOUT_NOT_REGISTERED, ruleId: 'REG-1' })
    expect(decide({ presale: true, registered: true, merchantRemoved: true })).toMatchObject({
      code: CHECKOUT_MERCHANT_REMOVED,
      ruleId: 'PAY-6',
    })
  })
  it('PAY-3: the stock policy limits sales; units beyond physical stock are oversold', () => {
    expect(decide({ knownSold: 10, soldAfter: 11 })).toMatchObject({
      code: CHECKOUT_OUT_OF_STOCK,
      ruleId: 'PAY-3',
    })
    const over = { reservation: 'strict' as const, oversellShare: 0.1 }
    expect(decide({ knownSold: 10, soldAfter: 11, policy: over }).code).toBe(CHECKOUT_ACCEPTED_OVERSOLD)
    expect(decide({ knownSold: 11, soldAfter: 12, policy: over }).code).toBe(CHECKOUT_OUT_OF_STOCK)
    const holdBack = { reservation: 'strict' as const, oversellShare: -0.2 }
    expect(decide({ knownSold: 8, soldAfter: 9, policy: holdBack }).code).toBe(CHECKOUT_OUT_OF_STOCK)
  })
})
