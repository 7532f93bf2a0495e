import type { Buyer, Merchant, Registration, Sku, WorldManifest } from '@d11/generator/entities'
import { readManifest, readWorld } from '@d11/generator/read-world'
import Type from 'typebox'
import Compile from 'typebox/compile'
import { fail, PlatformError } from './errors.ts'
import type { WorldService } from './rooms/world/service.ts'

const Str = Type.String({ minLength: 1, maxLength: 128 })
const Num = Type.Number()
const Fen = Type.Integer({ minimum: 0 })
const IsoT = Type.String({ pattern: '(Z|[+-]\\d{2}:\\d{2})$' })
/** The fields of `@d11/generator/entities` rows the platform relies on; other fields pass through. */
const ROW_SCHEMAS = {
  merchants: Type.Object({
    id: Str,
    violationPoints: Num,
    activityLevel: Num,
    compositeRanking: Num,
    basicServiceScore: Num,
    crossStoreCoupon: Type.Boolean(),
    webhookUrl: Type.Union([Type.String(), Type.Null()]),
    experience: Type.Object({
      firstReturnRate: Num,
      negativeReviewRate: Num,
      manualResponseSec: Num,
      disputeLiabilityRate: Num,
    }),
  }),
  skus: Type.Object({
    id: Str,
    merchantId: Str,
    title: Type.String(),
    shippingTemplate: Type.Object({ freeRegions: Type.Array(Type.String()), feeFen: Fen }),
    restrictedRegions: Type.Array(Type.String()),
    dailyPrices: Type.Object({ pricesFen: Type.Array(Fen) }),
    campaignPrices: Type.Array(Type.Object({ campaign: Type.String(), priceFen: Fen, from: IsoT, to: IsoT })),
    listPriceFen: Fen,
    stock: Type.Integer({ minimum: 0 }),
    depositFen: Fen,
    contractShipHours: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  }),
  buyers: Type.Object({ id: Str, region: Type.String() }),
  registrations: Type.Object({
    id: Str,
    merchantId: Str,
    skuId: Str,
    node: Type.Union(['wave1Presale', 'wave1Spot', 'wave2Presale', 'wave2Spot'].map((n) => Type.Literal(n))),
    submittedAt: IsoT,
    campaignPriceFen: Fen,
    crossStoreCoupon: Type.Boolean(),
  }),
}
const CHECKS = {
  merchants: Compile(ROW_SCHEMAS.merchants),
  skus: Compile(ROW_SCHEMAS.skus),
  buyers: Compile(ROW_SCHEMAS.buyers),
  registrations: Compile(ROW_SCHEMAS.registrations),
}

/** Kinds the platform holds; orders, consultations and after-sales are the load, not state. */
const KINDS = ['merchants', 'skus', 'buyers', 'registrations'] as const
type Kind = (typeof KINDS)[number]

export interface WorldLoadResult {
  merchants: number
  skus: number
  /** SKUs whose title claims free shipping without a free template everywhere (SHIP-6) */
  freeShippingViolations: number
  buyers: number
  registrations: { accepted: number; rejected: number; unexpected: number }
}

function emptyResult(): WorldLoadResult {
  return {
    merchants: 0,
    skus: 0,
    freeShippingViolations: 0,
    buyers: 0,
    registrations: { accepted: 0, rejected: 0, unexpected: 0 },
  }
}

function apply(p: WorldService, kind: Kind, row: unknown, res: WorldLoadResult, where: string): void {
  const check = CHECKS[kind]
  if (!check.Check(row)) {
    const e = check.Errors(row)[0]
    fail(
      'PLAT_ERR_WORLD_LOAD',
      `${where}${e?.instancePath ?? ''}`,
      `invalid ${kind} row: ${e?.message ?? 'wrong shape'}`,
    )
  }
  switch (kind) {
    case 'merchants':
      p.addMerchant(row as unknown as Merchant)
      res.merchants += 1
      break
    case 'skus':
      if (!p.addSku(row as unknown as Sku)) res.freeShippingViolations += 1
      res.skus += 1
      break
    case 'buyers':
      p.addBuyer(row as unknown as Buyer)
      res.buyers += 1
      break
    case 'registrations': {
      const r = row as unknown as Registration
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

/** Load a generated world directory (NDJSON or CSV per its manifest) with `@d11/generator/read-world`. */
export async function loadWorldDir(p: WorldService, dir: string): Promise<WorldLoadResult> {
  let manifest: WorldManifest
  try {
    manifest = await readManifest(dir)
  } catch {
    return fail('PLAT_ERR_WORLD_LOAD', 'dir', `${dir} has no readable manifest.json (generate a world first)`)
  }
  const res = emptyResult()
  for (const kind of KINDS) {
    if (!manifest.files?.[kind]) continue
    let n = 0
    try {
      for await (const row of readWorld(dir, kind)) {
        n += 1
        apply(p, kind, row, res, `${manifest.files[kind].file}:${n}`)
      }
    } catch (err) {
      if (err instanceof PlatformError) throw err
      fail(
        'PLAT_ERR_WORLD_LOAD',
        `${manifest.files[kind].file}:${n + 1}`,
        `${kind} could not be read (${(err as Error).name})`,
      )
    }
  }
  return res
}

/**
 * Load an NDJSON upload: one `{"kind": "merchants" | "skus" | "buyers" | "registrations", "row": {...}}`
 * per line. Lines are applied in kind order (merchants, skus, buyers, registrations).
 */
export function loadWorldNdjson(p: WorldService, text: string): WorldLoadResult {
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
