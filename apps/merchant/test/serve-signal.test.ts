import { type ChildProcess, spawn } from 'node:child_process'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { worldDir } from './harness.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))
let child: ChildProcess | undefined
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL')
})

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

describe('d11 serve as a process', () => {
  it('prints both URLs, and on SIGINT closes merchant and platform and exits 0', async () => {
    const proc = spawn(
      process.execPath,
      [
        'apps/cli/bin/d11.js',
        'serve',
        '--world',
        worldDir(),
        '--clock-rate',
        '60',
        '--profile',
        'oversell-prone',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TZ: 'America/New_York' } },
    )
    child = proc
    let out = ''
    let err = ''
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
    })
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString()
    })
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.once('exit', (code, signal) => resolve({ code, signal })),
    )
    // wait for the banner (tsx start-up included)
    const started = Date.now()
    while (!out.includes('Ctrl-C stops both.') && proc.exitCode === null && Date.now() - started < 45_000)
      await new Promise((r) => setTimeout(r, 50))
    expect(err).toBe('')
    expect(out).toContain('Ctrl-C stops both.')
    const platformPort = Number(/platform\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1])
    const merchantPort = Number(/merchant\s+http:\/\/127\.0\.0\.1:(\d+)\/webhooks/.exec(out)?.[1])
    expect(platformPort).toBeGreaterThan(0)
    expect(merchantPort).toBeGreaterThan(0)
    expect(await listening(platformPort)).toBe(true)
    expect(await listening(merchantPort)).toBe(true)
    const health = await fetch(`http://127.0.0.1:${platformPort}/admin/health`)
    expect(health.status).toBe(200)

    proc.kill('SIGINT')
    // a clean shutdown takes well under a second; 10 s is the outer bound before the test fails
    const result = await Promise.race([
      exited,
      new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000)),
    ])
    expect(result).toEqual({ code: 0, signal: null })
    expect(out).toContain('stopping merchant and platform')
    expect(await listening(platformPort)).toBe(false)
    expect(await listening(merchantPort)).toBe(false)
  }, 60_000)
})
