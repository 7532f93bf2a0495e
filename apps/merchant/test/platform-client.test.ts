import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { PlatformClient } from '../src/platform-client.ts'

/** A platform stand-in answering from a script of (status, Retry-After) replies, then 200. */
function scripted(
  replies: Array<[number, string | undefined]>,
): Promise<{ server: Server; url: string; seen: number[] }> {
  const seen: number[] = []
  const server = createServer((req, res) => {
    seen.push(Date.now())
    const [status, retryAfter] = replies.shift() ?? [200, undefined]
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(retryAfter ? { 'retry-after': retryAfter } : {}),
    })
    res.end(JSON.stringify(status === 200 ? { ok: true } : { code: 'PLAT_ERR_SHED' }))
    req.resume()
  })
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () =>
      done({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }),
    ),
  )
}

let close: (() => Promise<void>) | undefined
afterEach(async () => close?.())

describe('PlatformClient', () => {
  it("comes back after a shed 503's Retry-After, not sooner, and gets the answer", async () => {
    const p = await scripted([[503, '1']])
    const client = new PlatformClient(p.url, { backoffMs: 10 })
    close = async () => {
      await client.close()
      p.server.close()
    }
    const r = await client.publishStock('m-1', 's-1', 5)
    expect(r.status).toBe(200)
    expect(p.seen).toHaveLength(2)
    // the second attempt waited for the platform's Retry-After (1 s), not the 10 ms backoff
    expect(p.seen[1]! - p.seen[0]!).toBeGreaterThanOrEqual(950)
    expect(client.failures).toBe(0)
  })

  it('gives the 503 back after its attempts', async () => {
    const p = await scripted([
      [503, undefined],
      [503, undefined],
    ])
    const client = new PlatformClient(p.url, { attempts: 2, backoffMs: 5 })
    close = async () => {
      await client.close()
      p.server.close()
    }
    expect((await client.publishStock('m-1', 's-1', 5)).status).toBe(503)
    expect(client.failures).toBe(1)
  })
})
