import Type from 'typebox'

/** Body of every error reply (errors.ts). */
export const ErrorReply = Type.Object(
  {
    code: Type.String({ description: 'registry code, e.g. PLAT_ERR_REG_WINDOW (ERRORS.md)' }),
    ruleId: Type.String({
      description: "rule ID of the rule catalogue (docs/rules.md), '' for request errors",
    }),
    field: Type.String({ description: 'the body/query/params field at fault' }),
    message: Type.String(),
  },
  { title: 'ErrorReply' },
)

/** Error replies every route may send. */
export const errors = { '4xx': ErrorReply, '5xx': ErrorReply }

export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' })
export const Fen = Type.Integer({ minimum: 0, maximum: 1e12, description: 'integer fen' })
export const Iso = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$',
  description: 'ISO instant with offset, e.g. 2020-11-01T10:00:00+08:00',
})
const NullableString = Type.Union([Type.String(), Type.Null()])

export const MerchantParams = Type.Object({ merchantId: Id })
export const OrderParams = Type.Object({ orderId: Id })
export const MerchantOrderParams = Type.Object({ merchantId: Id, orderId: Id })

export const OrderView = Type.Object({
  id: Type.String(),
  checkoutId: Type.String(),
  buyerId: Type.String(),
  merchantId: Type.String(),
  skuId: Type.String(),
  quantity: Type.Integer(),
  region: Type.String(),
  kind: Type.String({ description: 'presale | spot | daily' }),
  wave: Type.Integer(),
  unitPriceFen: Type.Integer(),
  couponFen: Type.Integer(),
  payableFen: Type.Integer({ description: 'to-hand amount (PRICE-4)' }),
  depositFen: Type.Integer(),
  paidFen: Type.Integer(),
  status: Type.String({ description: 'created | deposit_paid | paid | picked_up | refunded' }),
  createdAt: Type.String(),
  paidAt: NullableString,
  shipBy: NullableString,
  pickedUpAt: NullableString,
  late: Type.Boolean(),
  oversold: Type.Boolean(),
  compensatedFen: Type.Integer(),
})

export const CartBody = Type.Object({
  buyerId: Id,
  region: Type.Optional(
    Type.String({ minLength: 1, maxLength: 32, description: 'ship-to province (SHIP-5)' }),
  ),
  kind: Type.Union([Type.Literal('presale'), Type.Literal('spot')], { default: 'spot' }),
  items: Type.Array(Type.Object({ skuId: Id, quantity: Type.Integer({ minimum: 1, maximum: 1000 }) }), {
    minItems: 1,
    maxItems: 50,
  }),
})

export const QuoteReply = Type.Object({
  kind: Type.String(),
  wave: Type.Integer(),
  lines: Type.Array(
    Type.Object({
      skuId: Type.String(),
      merchantId: Type.String(),
      quantity: Type.Integer(),
      unitPriceFen: Type.Integer(),
      amountFen: Type.Integer(),
      couponFen: Type.Integer(),
      toHandFen: Type.Integer(),
    }),
  ),
  totalFen: Type.Integer(),
  couponFen: Type.Integer(),
  toHandFen: Type.Integer(),
  ruleIds: Type.Array(Type.String()),
})

export const PlaceReply = Type.Object({
  checkoutId: Type.String(),
  toHandFen: Type.Integer(),
  couponFen: Type.Integer(),
  orders: Type.Array(OrderView),
})

export const RefundView = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  status: Type.String(),
  instant: Type.Boolean(),
  amountFen: Type.Integer(),
})

export const ComplaintView = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  reason: Type.String(),
  status: Type.String({ description: 'open | upheld | rejected' }),
  handledBy: Type.String(),
  payoutFen: Type.Integer(),
  appealed: Type.Boolean(),
})

export const Perk = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), valueFen: Fen })
