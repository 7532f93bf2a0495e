/**
 * The part of a merchant profile the platform enforces: how it reserves this merchant's stock.
 * `d11 serve` and the end-to-end tests build the platform with it, so `oversell-prone` really sells
 * units that do not exist. The result is a partial `PlatformConfig` of @d11/platform (config.ts).
 */
import type { Profile } from '@d11/merchant-model/profile'

export interface PlatformStockConfig {
  oversellPolicy: 'strict' | 'buffered' | 'lagging'
  oversellBuffer: number
}

export function platformConfigFor(profile: Profile): PlatformStockConfig {
  return { oversellPolicy: profile.stock.reservation, oversellBuffer: profile.stock.bufferShare }
}
