/**
 * The one registry of coded platform errors. Every rejection the platform sends carries
 * `{ code, ruleId, field, message }`; `ruleId` is a rule of the rule catalogue (docs/rules.md) ('' when the
 * error is about the request itself rather than a Double 11 rule). ERRORS.md documents each code
 * (test/errors.test.ts keeps the two in step).
 */
export const ERROR_CODES = {
  PLAT_ERR_VALIDATION: { status: 400, ruleId: '', message: 'request does not match the route schema' },
  PLAT_ERR_NOT_FOUND: { status: 404, ruleId: '', message: 'no such resource' },
  PLAT_ERR_FORBIDDEN: { status: 403, ruleId: '', message: 'the resource belongs to another merchant' },
  PLAT_ERR_NO_WORLD: { status: 409, ruleId: '', message: 'no world loaded: POST /admin/world first' },
  PLAT_ERR_WORLD_LOAD: { status: 400, ruleId: '', message: 'the world could not be loaded' },
  PLAT_ERR_CLOCK: { status: 400, ruleId: 'CAL-2', message: 'invalid clock setting' },
  PLAT_ERR_ORDER_STATE: { status: 409, ruleId: '', message: 'the order is not in a state that allows this' },
  PLAT_ERR_IDEMPOTENCY: { status: 409, ruleId: '', message: 'Idempotency-Key reused with a different body' },
  PLAT_ERR_OVERLOADED: { status: 503, ruleId: '', message: 'too much work in flight, retry later' },
  PLAT_ERR_SHED: {
    status: 503,
    ruleId: '',
    message: 'past capacity (event-loop delay or utilisation over its limit), retry after Retry-After',
  },
  PLAT_ERR_FAULT: { status: 503, ruleId: '', message: 'fault injected by x-d11-fault header' },
  PLAT_ERR_INTERNAL: { status: 500, ruleId: '', message: 'internal error' },
  PLAT_ERR_PAYMENT_WINDOW: { status: 422, ruleId: 'CAL-1', message: 'payment outside its phase window' },
  PLAT_ERR_REG_WINDOW: { status: 422, ruleId: 'REG-1', message: 'registration outside its node window' },
  PLAT_ERR_REG_WAVE_CONFLICT: {
    status: 422,
    ruleId: 'REG-2',
    message: 'SKU cannot be registered for both wave-1 spot and wave-2 presale',
  },
  PLAT_ERR_REG_ELIGIBILITY: { status: 422, ruleId: 'REG-3', message: 'merchant does not meet eligibility' },
  PLAT_ERR_REG_COUPON: { status: 422, ruleId: 'REG-4', message: 'the cross-store coupon must be set' },
  PLAT_ERR_NOT_REGISTERED: { status: 422, ruleId: 'REG-1', message: 'SKU not registered for this phase' },
  PLAT_ERR_PRICE_TIER: { status: 422, ruleId: 'PRICE-2', message: 'campaign price above validated price' },
  PLAT_ERR_PRICE_PROTECTION: { status: 422, ruleId: 'PRICE-5', message: 'no lower to-hand price to claim' },
  PLAT_ERR_REGION: { status: 422, ruleId: 'SHIP-5', message: 'SKU is not sold to this region' },
  PLAT_ERR_DELAY_REPORT_WINDOW: {
    status: 422,
    ruleId: 'SHIP-4',
    message: 'delay reports are offline inside the no-auto-compensation window',
  },
  PLAT_ERR_OUT_OF_STOCK: { status: 409, ruleId: 'PAY-3', message: 'stock exhausted' },
  PLAT_ERR_MERCHANT_REMOVED: { status: 422, ruleId: 'PAY-6', message: 'merchant removed from the campaign' },
  PLAT_ERR_APPEAL: { status: 422, ruleId: 'PAY-7', message: 'appeal refused' },
} as const

export type ErrorCode = keyof typeof ERROR_CODES

/** Body of every error reply. */
export interface ErrorBody {
  code: string
  ruleId: string
  field: string
  message: string
}

/** Base error of @d11/platform: a fixed code from the registry, the field at fault, a precise message. */
export class PlatformError extends Error {
  readonly code: ErrorCode
  readonly ruleId: string
  readonly field: string
  readonly statusCode: number

  constructor(code: ErrorCode, field: string, detail?: string) {
    const def = ERROR_CODES[code]
    const ruleTag = def.ruleId ? `${def.ruleId}: ` : ''
    super(`${ruleTag}${detail ?? def.message}${field ? ` (field ${field})` : ''}`)
    this.name = 'PlatformError'
    this.code = code
    this.ruleId = def.ruleId
    this.field = field
    this.statusCode = def.status
  }

  toBody(): ErrorBody {
    return { code: this.code, ruleId: this.ruleId, field: this.field, message: this.message }
  }
}

export function fail(code: ErrorCode, field: string, detail?: string): never {
  throw new PlatformError(code, field, detail)
}
