import { createReadStream, existsSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Buyer, Merchant, Registration, Sku } from '@d11/generator/entities'
import { fail, PlatformError } from './errors.ts'
import type { Platform } from './platform.ts'

/** Kinds the platform holds; orders, consultations and after-sales are the load, not state. */
const KINDS = ['merchants', 'skus', 'buyers', 'registrations'] as const
type Kind = (typeof KINDS)[number]

export interface WorldLoadResult {
  merchants: number
  skus: number
  buyers: number
  registrations: { accepted: number; rejected: number; unexpected: number }
}

function emptyResult(): WorldLoadResult {
  return { merchants: 0, skus: 0, buyers: 0, registrations: { accepted: 0, rejected: 0, unexpected: 0 } }
}

function apply(p: Platform, kind: Kind, row: unknown, res: WorldLoadResult, where: string): void {
  if (typeof row !== 'object' || row === null || typeof (row as { id?: unknown }).id !== 'string') {
    fail('PLAT_ERR_WORLD_LOAD', where, `${kind} row needs a string id`)
  }
  switch (kind) {
    case 'merchants':
      p.addMerchant(row as Merchant)
      res.merchants += 1
      break
    case 'skus':
      p.addSku(row as Sku)
      res.skus += 1
      break
    case 'buyers':
      p.addBuyer(row as Buyer)
      res.buyers += 1
      break
    case 'registrations': {
      const r = row as Registration
      const broke = p.applyRegistration(r)
      if (broke) res.registrations.rejected += 1
      else res.registrations.accepted += 1
      // A generated registration names the rule it breaks on purpose; count disagreements.
      if ((r.expectedRejection ?? null) !== broke) res.registrations.unexpected += 1
      break
    }
  }
}

function parseLine(line: string, where: string): unknown {
  try {
    return JSON.parse(line)
  } catch {
    return fail('PLAT_ERR_WORLD_LOAD', where, 'not a JSON line')
  }
}

/** Load a generated world directory (NDJSON files per kind, docs/contracts.md). */
export async function loadWorldDir(p: Platform, dir: string): Promise<WorldLoadResult> {
  if (!existsSync(join(dir, 'manifest.json')))
    fail('PLAT_ERR_WORLD_LOAD', 'dir', `${dir} has no manifest.json`)
  const res = emptyResult()
  for (const kind of KINDS) {
    const file = join(dir, `${kind}.ndjson`)
    if (!existsSync(file)) {
      if (existsSync(join(dir, `${kind}.csv`)))
        fail('PLAT_ERR_WORLD_LOAD', 'dir', `${kind}.csv: generate the world with --format ndjson`)
      continue
    }
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })
    let n = 0
    for await (const line of rl) {
      n += 1
      if (line.trim()) apply(p, kind, parseLine(line, `${kind}.ndjson:${n}`), res, `${kind}.ndjson:${n}`)
    }
  }
  return res
}

/**
 * Load an NDJSON upload: one `{"kind": "merchants" | "skus" | "buyers" | "registrations", "row": {...}}`
 * per line. Lines are applied in kind order (merchants, skus, buyers, registrations).
 */
export function loadWorldNdjson(p: Platform, text: string): WorldLoadResult {
  const byKind = new Map<Kind, Array<{ row: unknown; where: string }>>(KINDS.map((k) => [k, []]))
  let n = 0
  for (const line of text.split('\n')) {
    n += 1
    if (!line.trim()) continue
    const where = `line ${n}`
    const v = parseLine(line, where) as { kind?: unknown; row?: unknown }
    const list = typeof v?.kind === 'string' ? byKind.get(v.kind as Kind) : undefined
    if (!list)
      throw new PlatformError(
        'PLAT_ERR_WORLD_LOAD',
        `${where}.kind`,
        `kind must be one of ${KINDS.join(', ')}`,
      )
    list.push({ row: v.row, where: `${where}.row` })
  }
  const res = emptyResult()
  for (const kind of KINDS) for (const { row, where } of byKind.get(kind)!) apply(p, kind, row, res, where)
  return res
}
