import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { errors } from '../../schemas.ts'
import { loadWorldDir, loadWorldNdjson } from '../../world.ts'
import { WebhookBody, WorldBody, WorldResult } from './schemas.ts'

/** Admin: load a world, reset, point webhooks. */
export const admin: FastifyPluginAsyncTypebox = async (app) => {
  const { world, sink } = app.d11
  const tags = ['admin']

  app.post(
    '/world',
    {
      schema: {
        tags,
        description:
          'Load a generated world: JSON {"dir": "<world directory>"} or an application/x-ndjson upload of {"kind","row"} lines. Replaces the current state.',
        body: WorldBody,
        response: { 200: WorldResult, ...errors },
      },
    },
    async (req) => {
      world.reset()
      sink.clearRecent()
      const body = req.body as { dir: string } | string
      return typeof body === 'string' ? loadWorldNdjson(world, body) : await loadWorldDir(world, body.dir)
    },
  )

  app.post(
    '/reset',
    {
      schema: {
        tags,
        description: 'Drop all state (world, orders, deadlines).',
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...errors },
      },
    },
    async () => {
      world.reset()
      sink.clearRecent()
      return { ok: true }
    },
  )

  app.post(
    '/webhooks',
    {
      schema: {
        tags,
        description:
          'Override a merchant\'s webhook URL ("*" = every merchant; null removes); overrides survive a world reload or reset. Example: {"merchantId":"m-000001","url":"http://127.0.0.1:4000/hooks"}',
        body: WebhookBody,
        response: { 200: Type.Object({ updated: Type.Integer() }), ...errors },
      },
    },
    async (req) => {
      const { merchantId, url } = req.body
      return { updated: world.setWebhook(merchantId, url) }
    },
  )
}
