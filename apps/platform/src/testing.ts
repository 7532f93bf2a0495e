import type { Buyer, Merchant, Sku } from '@d11/generator/entities'

/**
 * World rows for tests of the platform and of whatever talks to it (the merchant services): a
 * valid, eligible shop, a plain spot SKU and a buyer, each with overrides.
 */

const experience = {
  firstReturnRate: 0.02,
  negativeReviewRate: 0.01,
  pickup48hRate: 0.98,
  deliveryHours: 40,
  manualResponseSec: 20,
  refundProcessingHours: 10,
  disputeLiabilityRate: 0.01,
  replyRate: 0.95,
}

export function merchant(id: string, over: Partial<Merchant> = {}): Merchant {
  return {
    id,
    name: `shop ${id}`,
    shopType: 'flagship',
    category: 'phones',
    region: 'Zhejiang',
    violationPoints: 0,
    activityLevel: 80,
    compositeRanking: 0.2,
    basicServiceScore: 4.8,
    experience,
    webhookUrl: null,
    crossStoreCoupon: true,
    expectedRejection: null,
    failsThreshold: null,
    openedAt: '2018-01-01T00:00:00+08:00',
    ...over,
  }
}

export function sku(id: string, merchantId: string, over: Partial<Sku> = {}): Sku {
  return {
    id,
    merchantId,
    title: `item ${id}`,
    category: 'phones',
    freeShippingClaim: false,
    shippingTemplate: { id: 't1', freeRegions: [], feeFen: 0 },
    restrictedRegions: [],
    dailyPrices: { start: '2020-08-01', pricesFen: [] },
    campaignPrices: [],
    listPriceFen: 100_000,
    stock: 1000,
    presale: false,
    depositFen: 0,
    contractShipHours: null,
    ...over,
  }
}

export function buyer(id: string, region = 'Zhejiang'): Buyer {
  return {
    id,
    name: id,
    region,
    city: 'Hangzhou',
    membership: 'none',
    registeredAt: '2019-01-01T00:00:00+08:00',
  }
}
