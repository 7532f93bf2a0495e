import Type from 'typebox'
import { Iso, OrderView } from '../../schemas.ts'

export const OrderListQuery = Type.Object({
  status: Type.Optional(
    Type.Union(['created', 'deposit_paid', 'paid', 'picked_up', 'refunded'].map((s) => Type.Literal(s))),
  ),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
})

export const OrderList = Type.Object({ orders: Type.Array(OrderView), total: Type.Integer() })

export const NegotiateBody = Type.Object({ shipBy: Iso })

export const DelayReportBody = Type.Object({
  shipBy: Iso,
  reason: Type.String({ minLength: 1, maxLength: 200 }),
})
