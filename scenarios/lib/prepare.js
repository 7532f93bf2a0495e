// setup() helpers that put orders into the state a later window needs (deposit paid, paid).
import { api, inBatches, setClock } from './platform.js'
import { cartOf } from './world.js'

/**
 * With the simulated clock at `atIso` (rate 1), places each world order and pays `stage`
 * (deposit | spot); returns the platform's ids of the orders paid.
 */
export async function prepareOrders(worldOrders, atIso, stage) {
  await setClock(atIso, 1)
  const ids = await inBatches(worldOrders, 20, async (order) => {
    const res = await api('POST', '/buyer/orders', cartOf(order), 'setup.orders.place')
    if (res.status !== 201) return []
    const paid = []
    for (const o of res.json('orders')) {
      const pay = await api('POST', `/buyer/orders/${o.id}/pay`, { stage }, 'setup.orders.pay')
      if (pay.status === 200) paid.push(o.id)
    }
    return paid
  })
  const flat = ids.flat()
  if (flat.length === 0)
    throw new Error(`setup(): none of ${worldOrders.length} world orders could be placed and paid (${stage})`)
  return flat
}
