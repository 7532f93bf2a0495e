import { describe, expect, it } from 'vitest'
import { run } from './helpers.ts'

describe('APIs the runner lacks fail loudly, naming the API', () => {
  it('synchronous http.get points to asyncRequest', async () => {
    const r = await run('sync-get.js', { BASE_URL: 'http://127.0.0.1:9' })
    expect(r.exitCode).toBe(107)
    expect(r.error).toMatch(
      /K6R_UNSUPPORTED_API: k6\/http\.get\(\) is synchronous.*http\.asyncRequest\('GET'/,
    )
  })

  it('a k6 module the runner does not provide', async () => {
    const r = await run('ws.js', {})
    expect(r.exitCode).toBe(107)
    expect(r.error).toMatch(/K6R_UNSUPPORTED_MODULE: .*'k6\/ws'/)
  })

  it('a named export the shim does not provide', async () => {
    const r = await run('missing-export.js', {})
    expect(r.exitCode).toBe(107)
    expect(r.error).toContain('k6/http.parseHTML is not provided by the built-in runner')
  })

  it('group() with an async function, which k6 refuses too', async () => {
    const r = await run('async-group.js', {})
    expect(r.exitCode).toBe(107)
    expect(r.error).toContain('group() with an async function is not supported')
  })

  it('options the runner does not act on are named in a warning', async () => {
    const r = await run('ignored-option.js', {})
    expect(r.exitCode).toBe(0)
    expect(r.stderr).toContain("WARN options 'noConnectionReuse' are ignored by the built-in runner")
  })

  it('sleep() explains why it cannot block', async () => {
    const r = await run('sleep.js', {})
    expect(r.exitCode).toBe(107)
    expect(r.error).toMatch(/k6\.sleep\(\) is not supported.*arrival-rate/)
  })
})
