import { type BuildAppOptions, buildApp } from '../src/app.ts'
import { buyer, merchant, sku } from '../src/testing.ts'

export { buyer, merchant, sku }

/** The small world most tests use. */
export function baseWorld() {
  return [
    { kind: 'merchants', row: merchant('m-1') },
    { kind: 'merchants', row: merchant('m-2', { violationPoints: 50 }) },
    { kind: 'merchants', row: merchant('m-3', { crossStoreCoupon: false }) },
    {
      kind: 'skus',
      row: sku('s-phone', 'm-1', {
        listPriceFen: 599_900,
        stock: 1000,
        restrictedRegions: ['Xinjiang'],
        dailyPrices: { start: '2020-09-01', pricesFen: [599_900, 589_900] },
      }),
    },
    {
      kind: 'skus',
      row: sku('s-pre', 'm-1', { listPriceFen: 100_000, stock: 100, presale: true, depositFen: 10_000 }),
    },
    { kind: 'skus', row: sku('s-m2', 'm-2', { listPriceFen: 20_000 }) },
    { kind: 'skus', row: sku('s-m3', 'm-3', { listPriceFen: 20_000 }) },
    { kind: 'buyers', row: buyer('b-1') },
    { kind: 'buyers', row: buyer('b-2', 'Xinjiang') },
  ]
}

export function ndjson(lines: unknown[]): string {
  return lines.map((l) => JSON.stringify(l)).join('\n')
}

const shared = new Map<string, Awaited<ReturnType<typeof buildApp>>>()

/**
 * An app at a paused clock (rate 0) with a world loaded from an NDJSON upload. Apps without a spool
 * are shared per config within a test file (loading a world resets all state); close them with
 * `closeApps` in `afterAll`.
 */
export async function worldApp(opts: BuildAppOptions & { at?: string; lines?: unknown[] } = {}) {
  const key = opts.spool || opts.wall || opts.config?.spoolDir ? undefined : JSON.stringify(opts.config ?? {})
  let app = key === undefined ? undefined : shared.get(key)
  if (!app) {
    app = await buildApp({ docs: false, ...opts, config: { clockRate: 0, ...opts.config } })
    await app.ready()
    if (key !== undefined) shared.set(key, app)
  }
  const res = await app.inject({
    method: 'POST',
    url: '/admin/world',
    headers: { 'content-type': 'application/x-ndjson' },
    payload: ndjson(opts.lines ?? baseWorld()),
  })
  if (res.statusCode !== 200) throw new Error(`world load failed: ${res.body}`)
  await setClock(app, opts.at ?? '2020-11-01T00:00:00+08:00')
  return app
}

/**
 * The same small world on the 2024 calendar, where the 002 rules are in force (PAY-4, PAY-6, PAY-7,
 * PAY-8, EXP-3 and REG-3's score gate): m-1 gets experience inputs that clear the score gate.
 */
export async function worldApp2024(opts: { at: string; lines?: unknown[] }) {
  const good = {
    firstReturnRate: 0.01,
    negativeReviewRate: 0.005,
    pickup48hRate: 0.99,
    deliveryHours: 30,
    manualResponseSec: 10,
    refundProcessingHours: 4,
    disputeLiabilityRate: 0.001,
    replyRate: 0.95,
  }
  const lines = (opts.lines ?? baseWorld()).map((l) => {
    const line = l as { kind: string; row: { id: string } }
    return line.kind === 'merchants' && line.row.id === 'm-1'
      ? { kind: 'merchants', row: merchant('m-1', { experience: good }) }
      : l
  })
  return worldApp({ at: opts.at, lines, config: { calendar: '2024' } })
}

export async function closeApps() {
  for (const app of shared.values()) await app.close()
  shared.clear()
}

type App = Awaited<ReturnType<typeof buildApp>>

export async function setClock(app: App, start: string, rate = 0) {
  const r = await app.inject({ method: 'POST', url: '/admin/clock', payload: { start, rate } })
  if (r.statusCode !== 200) throw new Error(r.body)
}

export async function post(
  app: App,
  url: string,
  payload: unknown = {},
  headers: Record<string, string> = {},
) {
  const r = await app.inject({ method: 'POST', url, payload: payload as object, headers })
  return { status: r.statusCode, body: r.json(), headers: r.headers }
}

export async function get(app: App, url: string) {
  const r = await app.inject({ method: 'GET', url })
  return { status: r.statusCode, body: r.json() }
}

/** Place and pay a spot order; returns the order id. */
export async function paidOrder(app: App, skuId = 's-phone', buyerId = 'b-1', quantity = 1): Promise<string> {
  const placed = await post(app, '/buyer/orders', { buyerId, kind: 'spot', items: [{ skuId, quantity }] })
  if (placed.status !== 201) throw new Error(JSON.stringify(placed.body))
  const id = placed.body.orders[0].id as string
  const paid = await post(app, `/buyer/orders/${id}/pay`, { stage: 'spot' })
  if (paid.status !== 200) throw new Error(JSON.stringify(paid.body))
  return id
}

export async function rows(app: App, query: string) {
  return (await get(app, `/admin/events?${query}`)).body.rows as Array<Record<string, unknown>>
}
