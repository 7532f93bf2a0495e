import { readdirSync, readFileSync } from 'node:fs'
import { getCalendar } from '@d11/rules/calendar'
import { parseShanghaiTime } from '@d11/time/shanghai'
import { describe, expect, it } from 'vitest'
import { k6Stages } from '../src/k6.ts'

// presets/*.json are `d11 curve --k6` outputs that k6 scripts (plain JS) can `JSON.parse(open())`.
// Each must equal what the curve computes today, so a parameter change cannot leave them stale.
const dir = new URL('../presets/', import.meta.url)

describe('pre-generated k6 presets', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'))
  it('exist', () => {
    expect(files.length).toBeGreaterThanOrEqual(2)
  })
  it.each(files)('%s matches k6Stages for its own meta', (file) => {
    const preset = JSON.parse(readFileSync(new URL(file, dir), 'utf8'))
    const { calendar, from, to, compress, peakRps, stream } = preset.meta
    const fresh = k6Stages({
      calendar: getCalendar(calendar),
      from: parseShanghaiTime(from)!,
      to: parseShanghaiTime(to)!,
      compress,
      peakRps,
      stream,
    })
    expect(preset).toEqual(fresh)
  })
})
