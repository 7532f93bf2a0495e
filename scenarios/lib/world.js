// The generated world (d11 gen --out DATA_DIR), read once in the init context into SharedArrays.
import { SharedArray } from 'k6/data'
import { config } from './config.js'

function readRows(file, keep) {
  if (!config.dataDir)
    throw new Error('__ENV.DATA_DIR must be the absolute path of a generated world (d11 gen --out DIR)')
  const text = open(`${config.dataDir}/${file}.ndjson`)
  const rows = []
  for (const line of text.split('\n')) {
    if (!line) continue
    const row = JSON.parse(line)
    if (keep(row)) rows.push(row)
  }
  return rows.sort((a, b) => a.simTime - b.simTime)
}

/**
 * Rows of `file` (orders, consultations, after_sales) matching `keep`, inside the window when the
 * world has any there, otherwise the first `fallback` matching rows of the whole world.
 * `inWindow` says which: replay only makes sense with rows in the window.
 */
export function windowRows(file, label, window, keep = () => true, fallback = 2000) {
  const rows = new SharedArray(`${file}:${label}`, () => {
    const inside = readRows(file, (r) => r.simTime >= window.from && r.simTime < window.to && keep(r))
    return inside.length ? inside : readRows(file, keep).slice(0, fallback)
  })
  if (rows.length === 0) throw new Error(`the world in ${config.dataDir} has no ${file} rows for ${label}`)
  const inWindow = rows[0].simTime >= window.from && rows[rows.length - 1].simTime < window.to
  return { rows, inWindow }
}

/** Up to `limit` rows of `file` matching `keep`, optionally re-timed by `simTimeOf` (for replay). */
export function worldRows(file, label, keep, limit = 2000, simTimeOf = undefined) {
  return new SharedArray(`${file}:${label}`, () => {
    const rows = readRows(file, keep).slice(0, limit)
    if (!simTimeOf) return rows
    return rows
      .map((r) => Object.assign({}, r, { simTime: simTimeOf(r) }))
      .sort((a, b) => a.simTime - b.simTime)
  })
}

/** The cart a world order describes, as the platform's CartBody. */
export function cartOf(order) {
  return {
    buyerId: order.buyerId,
    region: order.region,
    kind: order.kind === 'presale' ? 'presale' : 'spot',
    items: order.items.map((i) => ({ skuId: i.skuId, quantity: i.quantity })),
  }
}
