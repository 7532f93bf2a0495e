import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, PlatformError } from '../src/errors.ts'

const doc = readFileSync(new URL('../ERRORS.md', import.meta.url), 'utf8')

describe('error registry', () => {
  it.each(Object.keys(ERROR_CODES))('%s is documented in ERRORS.md with its rule ID and status', (code) => {
    const def = ERROR_CODES[code as keyof typeof ERROR_CODES]
    const cells = doc
      .split('\n')
      .map((l) => l.split('|').map((c) => c.trim()))
      .find((c) => c[1] === `\`${code}\``)
    expect(cells, `${code} missing from ERRORS.md`).toBeDefined()
    expect(cells?.[2]).toBe(String(def.status))
    expect(cells?.[3]).toBe(def.ruleId || '—')
    expect(cells?.[4]?.length).toBeGreaterThan(10)
  })

  it('documents no code that the registry lacks', () => {
    const documented = [...doc.matchAll(/`(PLAT_ERR_[A-Z_]+)`/g)].map((m) => m[1])
    for (const code of documented) expect(Object.keys(ERROR_CODES)).toContain(code)
  })

  it('carries code, rule ID and field in the message and body', () => {
    const err = new PlatformError('PLAT_ERR_REG_WINDOW', 'node', 'wave1Spot is closed')
    expect(err.toBody()).toEqual({
      code: 'PLAT_ERR_REG_WINDOW',
      ruleId: 'REG-1',
      field: 'node',
      message: 'REG-1: wave1Spot is closed (field node)',
    })
    expect(err.statusCode).toBe(422)
  })
})
