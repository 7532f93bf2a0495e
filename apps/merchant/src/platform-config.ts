/**
 * The part of a merchant profile the platform enforces: how it reserves this merchant's stock, in
 * @d11/order-flow's stock-policy vocabulary. `d11 serve` and the end-to-end tests build the
 * platform with it, so `oversell-prone` really sells units that do not exist. The result is a
 * partial `PlatformConfig` of @d11/platform (config.ts).
 */
import { platformReservation } from '@d11/merchant-model/population'
import type { Profile } from '@d11/merchant-model/profile'

export interface PlatformStockConfig {
  oversellPolicy: 'strict' | 'lagging'
  oversellShare: number
}

/** The platform's stock config for merchants of these profiles (one policy for the whole platform). */
export function platformConfigFor(profiles: Iterable<Profile>): PlatformStockConfig {
  const policy = platformReservation(profiles)
  return { oversellPolicy: policy.reservation, oversellShare: policy.oversellShare }
}
