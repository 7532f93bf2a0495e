import { parseIsoWithOffset } from '@d11/time/shanghai'
import { PlatformError } from './errors.ts'

/**
 * Parse an ISO instant that states its offset (`2020-11-01T10:00:00+08:00`) to epoch ms, or reject
 * it with PLAT_ERR_CLOCK naming `field`. The time arithmetic is `@d11/time`'s; this is the API edge.
 */
export function parseSimInstant(iso: string, field: string): number {
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(iso)) {
    throw new PlatformError('PLAT_ERR_CLOCK', field, `${iso} must carry an offset such as +08:00`)
  }
  const ms = parseIsoWithOffset(iso)
  if (ms === undefined) throw new PlatformError('PLAT_ERR_CLOCK', field, `${iso} is not an ISO instant`)
  return ms
}
