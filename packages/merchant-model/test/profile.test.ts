import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MerchantError } from '@d11/merchant-model/errors'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { listProfiles, loadProfile } from '../src/profile.ts'

/** The prepared profile as plain data, to break in one place. */
type Raw = ReturnType<typeof loadProfile> & Record<string, unknown>

function badFile(mutate: (p: Raw) => void): string {
  const p = structuredClone(loadProfile('prepared')) as Raw
  mutate(p)
  const file = join(mkdtempSync(join(tmpdir(), 'd11-profile-')), 'bad.yaml')
  writeFileSync(file, stringify(p))
  return file
}

function errorOf(fn: () => unknown): MerchantError {
  try {
    fn()
  } catch (err) {
    if (err instanceof MerchantError) return err
    throw err
  }
  throw new Error('expected a MerchantError')
}

describe('profiles', () => {
  it('ships prepared, understaffed and oversell-prone, each valid', () => {
    expect(listProfiles()).toEqual(expect.arrayContaining(['prepared', 'understaffed', 'oversell-prone']))
    for (const name of listProfiles()) expect(loadProfile(name).name).toBe(name)
  })

  it('rejects an unknown profile, naming the known ones', () => {
    const err = errorOf(() => loadProfile('overstaffed'))
    expect(err.code).toBe('MERCH_ERR_PROFILE_UNKNOWN')
    expect(err.message).toContain('overstaffed')
    expect(err.message).toContain('prepared')
  })

  it('rejects negative capacity naming the file and field', () => {
    const file = badFile((p) => {
      p.warehouse.picksPerHour = -10
    })
    const err = errorOf(() => loadProfile(file))
    expect(err.code).toBe('MERCH_ERR_PROFILE_INVALID')
    expect(err.field).toBe('warehouse.picksPerHour')
    expect(err.message).toContain(file)
    expect(err.message).toContain('warehouse.picksPerHour')
  })

  it('rejects overlapping shifts naming the file and the shift', () => {
    const file = badFile((p) => {
      p.warehouse.shifts = [
        { from: '08:00', to: '20:00' },
        { from: '19:00', to: '08:00' },
      ]
    })
    const err = errorOf(() => loadProfile(file))
    expect(err.code).toBe('MERCH_ERR_SHIFT_OVERLAP')
    expect(err.field).toBe('warehouse.shifts[1]')
    expect(err.message).toContain(file)
  })

  it('rejects overlapping agent shifts across midnight', () => {
    const file = badFile((p) => {
      p.customerService.agents.shifts = [
        { from: '22:00', to: '06:00' },
        { from: '05:00', to: '12:00' },
      ]
    })
    const err = errorOf(() => loadProfile(file))
    expect(err.field).toMatch(/^customerService\.agents\.shifts\[[01]\]$/)
  })

  it('rejects unknown settings and missing ones', () => {
    const unknown = errorOf(() => loadProfile(badFile((p) => Object.assign(p.warehouse, { robots: 3 }))))
    expect(unknown.field).toBe('warehouse.robots')
    const missing = errorOf(() =>
      loadProfile(
        badFile((p) => delete (p.customerService.bot as Partial<typeof p.customerService.bot>).coverage),
      ),
    )
    expect(missing.field).toBe('customerService.bot.coverage')
  })

  it('overrides any parameter per run with --set or an object', () => {
    const p = loadProfile('prepared', {
      set: [
        'warehouse.picksPerHour=4000',
        'warehouse.shifts[0].to=19:00',
        'customerService.autoReply.enabled=false',
      ],
    })
    expect(p.warehouse.picksPerHour).toBe(4000)
    expect(p.warehouse.shifts[0]!.to).toBe('19:00')
    expect(p.customerService.autoReply.enabled).toBe(false)
    const o = loadProfile('understaffed', { overrides: { customerService: { agents: { count: 9 } } } })
    expect(o.customerService.agents.count).toBe(9)
    expect(o.customerService.agents.responseSeconds.median).toBe(60)
  })

  it('validates overrides too, naming the override', () => {
    const err = errorOf(() => loadProfile('prepared', { set: ['afterSale.refundsPerHour=-1'] }))
    expect(err.field).toBe('afterSale.refundsPerHour')
    expect(err.message).toContain('with overrides')
    expect(errorOf(() => loadProfile('prepared', { set: ['warehouse'] })).code).toBe('MERCH_ERR_OVERRIDE')
  })
})
