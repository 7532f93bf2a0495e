import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Durable acceptance (issue 17): a 2xx answer to a write (POST, PUT, PATCH, DELETE) leaves only
 * after the events it produced are in the spool segment file — written (`durability: 'write'`:
 * safe against SIGKILL or any other stop of the process, the kernel holds the bytes) and
 * fdatasync'd (`'fsync'`, the default: also safe against a crash of the machine). Requests that
 * finish while a commit runs share the next one (group commit), so the cost is one write and one
 * fsync per batch, not per order. `'buffered'` skips the wait (events reach the file within a second).
 */
export const durableAcceptancePlugin = fp(
  async (app: FastifyInstance) => {
    const { config, sink } = app.d11
    if (config.durability === 'buffered') return // sink.uncommitted is never true without a spool
    const sync = config.durability === 'fsync'
    app.addHook('onSend', async (req, reply, payload) => {
      if (reply.statusCode < 300 && req.method !== 'GET' && req.method !== 'HEAD' && sink.uncommitted)
        await sink.commit(sync)
      return payload
    })
  },
  { name: 'd11-durable-acceptance', dependencies: ['d11-services'] },
)
