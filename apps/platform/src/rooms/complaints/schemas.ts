import Type from 'typebox'
import { Id } from '../../schemas.ts'

export const ComplaintParams = Type.Object({ merchantId: Id, complaintId: Id })
export const ComplaintBody = Type.Object({
  reason: Type.Union([Type.Literal('late_shipment'), Type.Literal('other')]),
})
export const HandleBody = Type.Object({
  action: Type.Union([Type.Literal('accept'), Type.Literal('dispute')]),
})
export const AppealBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) })
export const AppealReply = Type.Object({
  complaintId: Type.String(),
  overturned: Type.Boolean(),
  status: Type.String(),
})
