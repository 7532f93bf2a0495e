import { describe, expect, it } from 'vitest'
import { PlatformError } from '../src/errors.ts'
import { parseSimInstant } from '../src/sim-instant.ts'

function errorOf(fn: () => unknown): PlatformError {
  try {
    fn()
  } catch (err) {
    if (err instanceof PlatformError) return err
    throw err
  }
  throw new Error('expected a PlatformError')
}

describe('parseSimInstant (the API edge of @d11/time)', () => {
  it('reads an instant with its offset', () => {
    expect(parseSimInstant('2020-11-01T10:00:00+08:00', 'body.start')).toBe(Date.UTC(2020, 10, 1, 2))
    expect(parseSimInstant('2020-11-01T02:00Z', 'body.start')).toBe(Date.UTC(2020, 10, 1, 2))
  })

  it('rejects a missing offset or an impossible date with PLAT_ERR_CLOCK naming the field', () => {
    const noOffset = errorOf(() => parseSimInstant('2020-11-01T10:00:00', 'body.start'))
    expect(noOffset).toMatchObject({ code: 'PLAT_ERR_CLOCK', field: 'body.start' })
    expect(noOffset.message).toMatch(/\+08:00/)
    expect(errorOf(() => parseSimInstant('2020-02-30T10:00:00+08:00', 'body.to'))).toMatchObject({
      code: 'PLAT_ERR_CLOCK',
      field: 'body.to',
    })
  })
})
