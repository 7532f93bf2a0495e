import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A local target for runner tests: `x-d11-fault: latency=200ms` delays, `status=503` fails. */
export interface TestServer {
  url: string
  requests: number
  close(): Promise<void>
}

export async function startServer(): Promise<TestServer> {
  const state = { requests: 0 }
  const server: Server = createServer((req, res) => {
    state.requests++
    const fault = String(req.headers['x-d11-fault'] ?? '')
    const latency = /latency=(\d+)ms/.exec(fault)
    const status = /status=(\d+)/.exec(fault)
    req.resume()
    req.on('end', () => {
      const reply = () => {
        res.writeHead(status ? Number(status[1]) : 200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ ok: !status, path: req.url }))
      }
      if (latency) setTimeout(reply, Number(latency[1]))
      else reply()
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
