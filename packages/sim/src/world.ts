import type { Arrivals } from './arrivals.ts'
import { SimError } from './errors.ts'
import type { Scenario } from './scenario.ts'

/**
 * The scenario's SKUs taken from the world when it lists none: every SKU of `merchantId` with its
 * list price, stock, presale flag and contract ship hours (SHIP-1).
 */
export async function withWorldSkus(s: Scenario): Promise<Scenario> {
  if (s.skus.length > 0 || !s.arrivals.world) return s
  const { readWorld } = await import('@d11/generator/read-world')
  const skus: Scenario['skus'] = []
  try {
    for await (const k of readWorld(s.arrivals.world, 'skus')) {
      if (k.merchantId !== s.merchantId) continue
      skus.push({
        id: k.id,
        priceYuan: k.listPriceFen / 100,
        stock: k.stock,
        share: 1,
        presale: k.presale,
        presaleShipHours: k.contractShipHours ?? 0,
      })
    }
  } catch (err) {
    throw new SimError(
      'SIM_ERR_SCENARIO',
      `arrivals.world: cannot read "${s.arrivals.world}": ${(err as Error).message}`,
    )
  }
  if (skus.length === 0)
    throw new SimError('SIM_ERR_SCENARIO', `merchantId: no SKU of "${s.merchantId}" in ${s.arrivals.world}`)
  return { ...s, skus }
}

/**
 * Arrivals from a generated world (`@d11/generator/read-world`): every order line of the
 * scenario's merchant, for a SKU the scenario lists, fully paid inside the window (presale orders
 * count from their final payment), one arrival per unit. Times come out sorted; the world's own
 * order in equal instants is kept.
 */
export async function worldArrivals(s: Scenario): Promise<Arrivals> {
  const dir = s.arrivals.world
  if (!dir) throw new SimError('SIM_ERR_SCENARIO', 'arrivals.world: not set')
  const { readWorld } = await import('@d11/generator/read-world')
  const from = Date.parse(s.window.from)
  const to = Date.parse(s.window.to)
  const ids = new Map(s.skus.map((k, i) => [k.id, i]))
  const t: number[] = []
  const k: number[] = []
  try {
    for await (const o of readWorld(dir, 'orders')) {
      const paidIso = o.kind === 'presale' ? (o.finalPaidAt ?? null) : o.paidAt
      if (paidIso === null) continue
      const paid = Date.parse(paidIso)
      if (!(paid >= from && paid < to)) continue
      for (const it of o.items) {
        if (it.merchantId !== s.merchantId) continue
        const idx = ids.get(it.skuId)
        if (idx === undefined) continue
        for (let q = 0; q < it.quantity; q++) {
          t.push(paid)
          k.push(idx)
        }
      }
    }
  } catch (err) {
    throw new SimError('SIM_ERR_SCENARIO', `arrivals.world: cannot read "${dir}": ${(err as Error).message}`)
  }
  const order = Array.from(t.keys()).sort((a, b) => t[a]! - t[b]! || a - b)
  const times = new Float64Array(order.length)
  const sku = new Uint16Array(order.length)
  order.forEach((j, i) => {
    times[i] = t[j]!
    sku[i] = k[j]!
  })
  return { times, sku }
}
