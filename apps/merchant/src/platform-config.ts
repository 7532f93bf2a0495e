/**
 * The part of merchant profiles the platform enforces: how it reserves each merchant's stock, in
 * @d11/order-flow's stock-policy vocabulary. `d11 serve` and the end-to-end tests build the
 * platform with it, so `oversell-prone` really sells units that do not exist while the prepared
 * shops beside it sell exactly their stock. The result is a partial `PlatformConfig` of
 * @d11/platform (config.ts).
 */
import { merchantStockPolicies, stockPolicyOf } from '@d11/merchant-model/population'
import type { Profile } from '@d11/merchant-model/profile'

export interface PlatformStockConfig {
  /** the default, for merchants not in `merchantStockPolicies` */
  oversellPolicy: 'strict' | 'lagging'
  oversellShare: number
  merchantStockPolicies?: ReturnType<typeof merchantStockPolicies>
}

/** The platform's stock config: `fallback`'s policy by default, each listed merchant its profile's. */
export function platformConfigFor(
  fallback: Profile,
  byMerchant?: ReadonlyMap<string, Profile>,
): PlatformStockConfig {
  const policy = stockPolicyOf(fallback)
  return {
    oversellPolicy: policy.reservation,
    oversellShare: policy.oversellShare,
    ...(byMerchant ? { merchantStockPolicies: merchantStockPolicies(byMerchant) } : {}),
  }
}
