/**
 * A merchant population: which capacity profile each merchant of a world runs. A mix gives each
 * bundled (or file) profile a share; `assignProfiles` turns it into an exact, seeded assignment —
 * the same seed and merchants always give the same profiles, and a different seed moves them around.
 */
import { type StockPolicy, stockPolicyFromLegacy } from '@d11/order-flow/stock-policy'
import { MerchantError } from './errors.ts'
import { type LoadProfileOptions, loadProfile, type Profile } from './profile.ts'

/** One entry of a mix: a profile (bundled name or YAML path) and its share of the merchants. */
export interface MixShare {
  profile: string
  share: number
}

/**
 * The default population of `d11 run` / `d11 serve`. DEFAULTS, not from a source: most shops
 * planned for the peak, some treated it like any other day, a few run a stock system that lags
 * sales. Chosen so a default run shows each of SHIP-1 late pickups, PAY-2 and PAY-3 at work.
 */
export const DEFAULT_MIX: readonly MixShare[] = [
  { profile: 'prepared', share: 0.7 },
  { profile: 'understaffed', share: 0.2 },
  { profile: 'oversell-prone', share: 0.1 },
]

/** `prepared=0.7,understaffed=0.2,oversell-prone=0.1` → a mix; shares must be > 0 and sum to 1. */
export function parseMix(text: string): MixShare[] {
  const mix = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^([^=\s]+)=(\d+(?:\.\d+)?)$/.exec(part)
      if (!m) {
        throw new MerchantError('MERCH_ERR_MIX', 'mix', `"${part}" is not profile=share, e.g. prepared=0.7`)
      }
      return { profile: m[1]!, share: Number(m[2]) }
    })
  checkMix(mix)
  return mix
}

/** The inverse of {@link parseMix}: `prepared=0.7,understaffed=0.2,…`. */
export function formatMix(mix: readonly MixShare[]): string {
  return mix.map((s) => `${s.profile}=${s.share}`).join(',')
}

function checkMix(mix: readonly MixShare[]): void {
  if (mix.length === 0) throw new MerchantError('MERCH_ERR_MIX', 'mix', 'names no profile')
  const names = new Set<string>()
  for (const { profile, share } of mix) {
    if (names.has(profile)) throw new MerchantError('MERCH_ERR_MIX', 'mix', `${profile} appears twice`)
    names.add(profile)
    if (!(share > 0)) throw new MerchantError('MERCH_ERR_MIX', 'mix', `${profile}'s share must be > 0`)
  }
  const total = mix.reduce((sum, s) => sum + s.share, 0)
  if (Math.abs(total - 1) > 1e-9) {
    throw new MerchantError('MERCH_ERR_MIX', 'mix', `shares sum to ${total}, not 1`)
  }
}

/** A 32-bit hash of a string (FNV-1a, then a murmur-style finaliser): a seeded sort key. */
function hash32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/**
 * Counts per profile that add up to `n` exactly (largest remainder), and at least one merchant for
 * every profile whose share would round to none while `n` allows — a mix of a few oversell-prone
 * shops means some, even in a world of 20.
 */
export function mixCounts(mix: readonly MixShare[], n: number): number[] {
  checkMix(mix)
  const exact = mix.map((s) => s.share * n)
  const counts = exact.map(Math.floor)
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0])
  let left = n - counts.reduce((a, b) => a + b, 0)
  for (const [, i] of byRemainder) {
    if (left === 0) break
    counts[i]!++
    left--
  }
  for (let i = 0; i < counts.length && n >= mix.length; i++) {
    if (counts[i] !== 0) continue
    const donor = counts.indexOf(Math.max(...counts))
    counts[donor]!--
    counts[i] = 1
  }
  return counts
}

/**
 * Profile name per merchant: merchants ordered by a hash of (seed, id), then dealt out in the
 * mix's order by {@link mixCounts}. Independent of the input order of `merchantIds`.
 */
export function assignProfiles(
  seed: number,
  merchantIds: readonly string[],
  mix: readonly MixShare[] = DEFAULT_MIX,
): Map<string, string> {
  const ids = [...new Set(merchantIds)]
  const keyed = ids.map((id) => [hash32(`${seed}:${id}`), id] as const)
  keyed.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
  const counts = mixCounts(mix, ids.length)
  const out = new Map<string, string>()
  let k = 0
  for (const [i, { profile }] of mix.entries()) {
    for (let c = 0; c < counts[i]!; c++) out.set(keyed[k++]![1], profile)
  }
  return out
}

/** A population ready to serve: each merchant's loaded profile, and the profiles by name. */
export interface Population {
  /** Profile per merchant id. */
  byMerchant: Map<string, Profile>
  /** Every profile of the mix, loaded once (name as given in the mix → profile). */
  profiles: Map<string, Profile>
  /** Merchants per profile name, for a summary line. */
  counts: Map<string, number>
}

/** Load the mix's profiles (with `opts`' overrides applied to each) and assign them. */
export function buildPopulation(
  seed: number,
  merchantIds: readonly string[],
  mix: readonly MixShare[] = DEFAULT_MIX,
  opts: LoadProfileOptions = {},
): Population {
  const profiles = new Map(mix.map((s) => [s.profile, loadProfile(s.profile, opts)] as const))
  const byMerchant = new Map<string, Profile>()
  const counts = new Map(mix.map((s) => [s.profile, 0]))
  for (const [id, name] of assignProfiles(seed, merchantIds, mix)) {
    byMerchant.set(id, profiles.get(name)!)
    counts.set(name, counts.get(name)! + 1)
  }
  return { byMerchant, profiles, counts }
}

/**
 * The stock policy the platform sells a merchant of `profile` under, in @d11/order-flow's
 * vocabulary: `lagging` sells what the merchant last published, `buffered` is `strict` with
 * `oversellShare = bufferShare`.
 */
export function stockPolicyOf(profile: Profile): StockPolicy {
  return stockPolicyFromLegacy({
    policy: profile.stock.reservation,
    oversellBuffer: profile.stock.bufferShare,
  })
}

/** Each merchant's own stock policy (merchant id → its profile's), for the platform's config. */
export function merchantStockPolicies(byMerchant: ReadonlyMap<string, Profile>): Record<string, StockPolicy> {
  const out: Record<string, StockPolicy> = {}
  for (const [id, profile] of byMerchant) out[id] = stockPolicyOf(profile)
  return out
}
