/**
 * The webhook contract a merchant service accepts (apps/platform/WEBHOOKS.md): `POST <url>` with a
 * JSON envelope `{ id, type, merchantId, simTime, wallTime, data }`. `id` identifies the delivery
 * across retries (at-least-once), so receivers de-duplicate on it. Data objects may grow new
 * fields; the listed ones are guaranteed.
 */
import Type, { type Static } from 'typebox'

const Id = Type.String({ minLength: 1, maxLength: 128 })
const open = { additionalProperties: true } as const

const envelope = <T extends string, D extends ReturnType<typeof Type.Object>>(
  type: T,
  data: D,
  description: string,
) =>
  Type.Object(
    {
      id: Type.String({ minLength: 1, maxLength: 128, description: 'delivery id, the same on every retry' }),
      type: Type.Literal(type),
      merchantId: Id,
      simTime: Type.Number({
        description: 'simulated time of the event, epoch ms (Asia/Shanghai at the edges)',
      }),
      wallTime: Type.Number({ description: 'wall time of the push, epoch ms' }),
      data,
    },
    { title: type, description },
  )

export const OrderPaidData = Type.Object(
  {
    id: Id,
    merchantId: Id,
    skuId: Id,
    quantity: Type.Integer({ minimum: 1 }),
    paidFen: Type.Integer({ minimum: 0, description: 'integer fen' }),
    status: Type.String(),
    paidAt: Type.Union([Type.String(), Type.Null()], { description: 'ISO +08:00' }),
    shipBy: Type.Union([Type.String(), Type.Null()], { description: 'SHIP-1 pickup deadline, ISO +08:00' }),
    oversold: Type.Boolean({ description: 'sold beyond physical stock (PAY-3): can never ship' }),
  },
  open,
)

export const ConsultationMessageData = Type.Object(
  { consultationId: Id, buyerId: Id, orderId: Type.String(), text: Type.String() },
  open,
)

export const RefundRequestedData = Type.Object(
  { refundId: Id, orderId: Id, amountFen: Type.Integer({ minimum: 0 }) },
  open,
)

export const ComplaintFiledData = Type.Object({ complaintId: Id, orderId: Id, reason: Type.String() }, open)

export const OrderPaid = envelope(
  'order.paid',
  OrderPaidData,
  'A paid order to pick, pack and hand to the carrier within its ship-by time (SHIP-1), then trace (SHIP-2).',
)
export const ConsultationMessage = envelope(
  'consultation.message',
  ConsultationMessageData,
  'A buyer message to answer (EXP-1 same-day reply rate, EXP-2 manual response time).',
)
export const RefundRequested = envelope(
  'refund.requested',
  RefundRequestedData,
  'A refund on a shipped order to decide (unshipped ones are approved at once by the platform, PAY-8).',
)
export const ComplaintFiled = envelope(
  'complaint.filed',
  ComplaintFiledData,
  'A complaint to handle within 48 h (PAY-5).',
)

export const WebhookEnvelope = Type.Union([OrderPaid, ConsultationMessage, RefundRequested, ComplaintFiled], {
  title: 'WebhookEnvelope',
})
export type WebhookEnvelope = Static<typeof WebhookEnvelope>

export const WebhookAck = Type.Object(
  {
    ok: Type.Boolean(),
    duplicate: Type.Boolean({ description: 'true when this delivery id was already accepted: a no-op' }),
  },
  { title: 'WebhookAck' },
)

export const ErrorReply = Type.Object(
  { code: Type.String(), ruleId: Type.String(), field: Type.String(), message: Type.String() },
  { title: 'ErrorReply' },
)
