import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The shipped examples folder at the repository root. */
export const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url))
export const PHONE = `${EXAMPLES}phone-oversell.yaml`

/**
 * The phone case moved to Double 11 of 2024 (calendar `2024`, the 002 ruleset in force): the same
 * scenario with every 2020 date moved four years on (Nov 11 is a Monday in 2024, a Wednesday in 2020;
 * the scenario's shifts and pickup waves are daily, so the weekday does not matter).
 */
export function phoneIn2024Text(): string {
  return readFileSync(PHONE, 'utf8')
    .replaceAll('2020-', '2024-')
    .replace('calendar: "2020"', 'calendar: "2024"')
}
