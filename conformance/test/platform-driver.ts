import { buildApp } from '@d11/platform/app'
import { buyer, merchant, sku } from '@d11/platform/testing'
import { getCalendar, type RegistrationNode } from '@d11/rules/calendar'
import type { ConformanceRow, ScriptedHistory } from '@d11/sim/scripted'

/**
 * Runs a scripted history through the live platform: a one-merchant world, a paused clock moved
 * forward action by action (`/admin/clock/advance` fires every deadline due on the way), buyer and
 * merchant calls through `app.inject`, then the rows read back from `/admin/events`.
 */

type App = Awaited<ReturnType<typeof buildApp>>

const HOUR = 3_600_000
const MERCHANT = 'm-1'
const BUYER = 'b-1'
const iso = (t: number) => new Date(t + 8 * HOUR).toISOString().replace('Z', '+08:00')

/** Order of actions at the same instant: the world's own order of things. */
const STEP = {
  register: 0,
  place: 1,
  pay: 2,
  agree: 3,
  pickup: 4,
  complain: 5,
  handle: 6,
  appeal: 7,
  price: 8,
  claim: 9,
}

interface Action {
  /** the history's order the action belongs to (skipped when the checkout was refused) */
  order?: number
  at: number
  step: number
  run: () => Promise<void>
}

async function call(app: App, method: 'POST' | 'PATCH', url: string, payload: object = {}) {
  const r = await app.inject({ method, url, payload })
  return { status: r.statusCode, body: r.json() as Record<string, unknown> }
}

async function must(app: App, method: 'POST' | 'PATCH', url: string, payload: object = {}) {
  const r = await call(app, method, url, payload)
  if (r.status >= 300)
    throw new Error(`${method} ${url} ${JSON.stringify(payload)}: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

class CheckoutRefused extends Error {}

const EXEMPLARY = {
  firstReturnRate: 0,
  negativeReviewRate: 0,
  pickup48hRate: 1,
  deliveryHours: 24,
  manualResponseSec: 5,
  refundProcessingHours: 1,
  disputeLiabilityRate: 0,
  replyRate: 1,
}

const fail = (msg: string): never => {
  throw new Error(msg)
}

export interface PlatformRun {
  rows: ConformanceRow[]
  /** what the platform charged each order (to-hand, fen), by history index */
  paidFen: number[]
}

export async function runOnPlatform(h: ScriptedHistory): Promise<PlatformRun> {
  const share = h.oversellShare ?? 0
  const app = await buildApp({
    docs: false,
    config: {
      clockRate: 0,
      calendar: h.calendar as '2020',
      oversellPolicy: share > 0 ? 'buffered' : 'strict',
      oversellBuffer: share,
    },
  })
  try {
    return await drive(app, h)
  } finally {
    await app.close()
  }
}

function worldLines(h: ScriptedHistory): unknown[] {
  return [
    // an exemplary shop: it clears REG-3 everywhere, 002's experience-score gate of 2024 included
    { kind: 'merchants', row: merchant(MERCHANT, { experience: EXEMPLARY }) },
    ...h.skus.map((k) => ({
      kind: 'skus',
      row: sku(k.id, MERCHANT, {
        listPriceFen: k.paidFen,
        stock: k.stock,
        presale: k.presale ?? false,
        depositFen: k.presale ? Math.floor(k.paidFen / 10) : 0,
        contractShipHours: k.shipHours ?? null,
      }),
    })),
    { kind: 'buyers', row: buyer(BUYER) },
  ]
}

async function drive(app: App, h: ScriptedHistory): Promise<PlatformRun> {
  await app.ready()
  const world = await app.inject({
    method: 'POST',
    url: '/admin/world',
    headers: { 'content-type': 'application/x-ndjson' },
    payload: worldLines(h)
      .map((l) => JSON.stringify(l))
      .join('\n'),
  })
  if (world.statusCode !== 200) throw new Error(`world load failed: ${world.body}`)
  const cal = getCalendar(h.calendar)
  const start = Math.min(cal.registration.opens, ...h.orders.map((o) => o.paidAt)) - HOUR
  await must(app, 'POST', '/admin/clock', { start: iso(start), rate: 0 })

  const rows: ConformanceRow[] = []
  const orderIds: string[] = []
  const complaintIds: string[] = []
  const actions: Action[] = []
  const skuOf = new Map(h.skus.map((k) => [k.id, k]))

  // presale SKUs: registered for the node of each wave they are ordered in (REG-1)
  const nodes = new Set<string>()
  h.orders.forEach((o) => {
    if (!skuOf.get(o.sku)?.presale) return
    const wave = cal.waves.findIndex(
      (w) => o.paidAt >= w.presale.finalPaymentOpens && o.paidAt < w.presale.finalPaymentCloses,
    )
    if (wave < 0) throw new Error(`history ${h.name}: presale order paid outside a final-payment window`)
    nodes.add(`${o.sku}|wave${wave + 1}Presale`)
  })
  for (const key of nodes) {
    const [skuId, node] = key.split('|') as [string, RegistrationNode]
    actions.push({
      at: cal.registration.nodes[node].opens + HOUR,
      step: STEP.register,
      run: async () => {
        const k = skuOf.get(skuId)!
        await must(app, 'POST', `/merchant/${MERCHANT}/registrations`, {
          skuId,
          node,
          campaignPriceFen: k.paidFen,
          crossStoreCoupon: true,
        })
      },
    })
  }

  h.orders.forEach((o, i) => {
    const presale = skuOf.get(o.sku)?.presale === true
    const place = async (kind: 'presale' | 'spot') => {
      const placed = await call(app, 'POST', '/buyer/orders', {
        buyerId: BUYER,
        kind,
        items: [{ skuId: o.sku, quantity: 1 }],
      })
      // a checkout the stock policy refuses (PAY-3) leaves no order; its later actions are skipped
      if (placed.status === 409 && placed.body.code === 'PLAT_ERR_OUT_OF_STOCK') throw new CheckoutRefused()
      if (placed.status !== 201) throw new Error(`order ${i}: ${JSON.stringify(placed.body)}`)
      orderIds[i] = (placed.body.orders as Array<{ id: string }>)[0]!.id
    }
    if (presale) {
      actions.push({
        order: i,
        at: o.orderedAt ?? fail(`history ${h.name}: presale order ${i} needs orderedAt (its deposit)`),
        step: STEP.place,
        run: async () => {
          await place('presale')
          await must(app, 'POST', `/buyer/orders/${orderIds[i]}/pay`, { stage: 'deposit' })
        },
      })
      actions.push({
        order: i,
        at: o.paidAt,
        step: STEP.pay,
        run: () => must(app, 'POST', `/buyer/orders/${orderIds[i]}/pay`, { stage: 'final' }).then(() => {}),
      })
    } else {
      actions.push({
        order: i,
        at: o.paidAt,
        step: STEP.place,
        run: async () => {
          await place('spot')
          await must(app, 'POST', `/buyer/orders/${orderIds[i]}/pay`, { stage: 'spot' })
        },
      })
    }
    const ag = o.agreed
    if (ag) {
      actions.push({
        order: i,
        at: ag.at,
        step: STEP.agree,
        run: async () => {
          const url = `/merchant/${MERCHANT}/orders/${orderIds[i]}/${ag.kind === 'negotiated' ? 'negotiate' : 'delay-report'}`
          await call(app, 'POST', url, { shipBy: iso(ag.shipBy), reason: 'scripted' })
        },
      })
    }
    if (o.pickupAt !== undefined) {
      actions.push({
        order: i,
        at: o.pickupAt,
        step: STEP.pickup,
        // an oversold order cannot be picked up: the platform refuses, as the simulator never ships it
        run: () => call(app, 'POST', `/merchant/${MERCHANT}/orders/${orderIds[i]}/pickup`).then(() => {}),
      })
    }
    if (o.complainAt !== undefined) {
      const filedAt = o.complainAt
      actions.push({
        order: i,
        at: filedAt,
        step: STEP.complain,
        run: async () => {
          const c = await must(app, 'POST', `/buyer/orders/${orderIds[i]}/complaints`, {
            reason: 'late_shipment',
          })
          complaintIds[i] = c.id as string
        },
      })
      if (h.desk === 'in-time') {
        actions.push({
          order: i,
          at: filedAt + 1000,
          step: STEP.handle,
          run: () =>
            must(app, 'POST', `/merchant/${MERCHANT}/complaints/${complaintIds[i]}/handle`, {
              action: 'dispute',
            }).then(() => {}),
        })
      }
    }
    for (const at of o.appealAt ?? []) {
      actions.push({
        order: i,
        at,
        step: STEP.appeal,
        run: async () => {
          const r = await call(app, 'POST', `/merchant/${MERCHANT}/complaints/${complaintIds[i]}/appeal`, {
            reason: 'scripted',
          })
          if (r.status === 200) return // the appeal.decided event is read back below
          rows.push({ order: i, cause: 'appeal_refused', ruleId: String(r.body.ruleId), amountFen: 0 })
        },
      })
    }
    const claim = o.priceClaim
    if (claim) {
      actions.push({
        order: i,
        at: claim.at - 60_000,
        step: STEP.price,
        run: () =>
          must(app, 'PATCH', `/merchant/${MERCHANT}/skus/${o.sku}`, {
            priceFen: claim.currentUnitToHandFen,
          }).then(() => {}),
      })
      actions.push({
        order: i,
        at: claim.at,
        step: STEP.claim,
        run: async () => {
          const r = await call(app, 'POST', `/buyer/orders/${orderIds[i]}/price-protection`)
          if (r.status !== 200)
            rows.push({
              order: i,
              cause: 'price_protection_refused',
              ruleId: String(r.body.ruleId),
              amountFen: 0,
            })
        },
      })
    }
  })

  actions.sort((a, b) => a.at - b.at || a.step - b.step)
  const refused = new Set<number>()
  for (const a of actions) {
    if (a.order !== undefined && refused.has(a.order)) continue
    await must(app, 'POST', '/admin/clock/advance', { to: iso(a.at) })
    try {
      await a.run()
    } catch (err) {
      if (!(err instanceof CheckoutRefused) || a.order === undefined) throw err
      refused.add(a.order)
    }
  }
  const horizon = Math.max(...h.orders.map((o) => o.paidAt)) + (h.horizonDays ?? 20) * 24 * HOUR
  await must(app, 'POST', '/admin/clock/advance', { to: iso(Math.max(horizon, actions.at(-1)!.at)) })
  rows.push(...(await readRows(app, orderIds)))
  const paidFen = await Promise.all(
    orderIds.map(
      async (id) =>
        (await app.inject({ method: 'GET', url: `/buyer/orders/${id}` })).json().paidFen as number,
    ),
  )
  return { rows, paidFen }
}

/** Platform event kinds and the row cause they become (the simulator's names). */
const EVENT_CAUSE: Record<string, string> = {
  'complaint.upheld': 'complaint_upheld',
  'complaint.rejected': 'complaint_rejected',
  'merchant.warned': 'mass_delay_warning',
  'merchant.removed': 'mass_delay_removal',
  'delay_report.refused': 'delay_report_refused',
  'appeal.decided': 'appeal_decided',
}

async function readRows(app: App, orderIds: string[]): Promise<ConformanceRow[]> {
  const index = new Map<string, number>()
  // refused checkouts left holes
  orderIds.forEach((id, i) => {
    index.set(id, i)
  })
  const r = await app.inject({ method: 'GET', url: '/admin/events?limit=20000' })
  const out: ConformanceRow[] = []
  for (const row of r.json().rows as Array<Record<string, unknown>>) {
    const order = index.get(String(row.order_id ?? '')) ?? -1
    if (row.table === 'payouts') {
      out.push({
        order,
        cause: String(row.cause),
        ruleId: String(row.rule_id),
        amountFen: Number(row.amount_fen),
      })
      continue
    }
    const cause = row.table === 'events' ? EVENT_CAUSE[String(row.kind)] : undefined
    if (!cause) continue
    out.push({ order, cause, ruleId: String(row.rule_id), amountFen: Number(row.amount_fen) })
  }
  return out
}
