import Type from 'typebox'
import { Id } from '../../schemas.ts'

export const WorldResult = Type.Object({
  merchants: Type.Integer(),
  skus: Type.Integer(),
  freeShippingViolations: Type.Integer({ description: 'SHIP-6 listings (events kind listing.violation)' }),
  buyers: Type.Integer(),
  registrations: Type.Object({
    accepted: Type.Integer(),
    rejected: Type.Integer(),
    unexpected: Type.Integer(),
  }),
})

export const WorldBody = {
  content: {
    'application/json': {
      schema: Type.Object({ dir: Type.String({ minLength: 1, maxLength: 4096 }) }),
    },
    'application/x-ndjson': { schema: Type.String() },
  },
}

export const WebhookBody = Type.Object({
  merchantId: Type.Union([Id, Type.Literal('*')]),
  url: Type.Union([Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 }), Type.Null()]),
})
