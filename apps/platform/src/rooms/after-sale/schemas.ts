import Type from 'typebox'
import { Id } from '../../schemas.ts'

export const RefundBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) })
export const RefundParams = Type.Object({ merchantId: Id, refundId: Id })
export const DecideBody = Type.Object({ approve: Type.Boolean() })
