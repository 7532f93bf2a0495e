import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const BIN = fileURLToPath(new URL('../bin/d11.js', import.meta.url))
let dir: string

function d11(args: string[], config?: { name: string; text: string }) {
  dir = mkdtempSync(join(tmpdir(), 'd11-config-'))
  if (config) writeFileSync(join(dir, config.name), config.text)
  const res = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' })
  return { code: res.status, err: res.stderr.trim() }
}

afterEach(() => rmSync(dir, { recursive: true, force: true }))

// `d11 run` validates every option before doing any work, so a bad value shows which one was used.
describe('d11.config.*', () => {
  it('a command section sets options', () => {
    const res = d11(['run'], { name: 'd11.config.json', text: '{"run": {"scale": "from-config"}}' })
    expect(res.code).toBe(2)
    expect(res.err).toMatch(/--scale: unknown scale "from-config"/)
  })

  it('top-level options apply to every command that has them (YAML too)', () => {
    const res = d11(['run'], { name: 'd11.config.yaml', text: 'calendar: "1999"\n' })
    expect(res.code).toBe(2)
    expect(res.err).toMatch(/--calendar: "1999"/)
  })

  it('flags override the file', () => {
    const res = d11(['run', '--scale', 'from-flag'], {
      name: 'd11.config.json',
      text: '{"scale": "from-config"}',
    })
    expect(res.code).toBe(2)
    expect(res.err).toMatch(/unknown scale "from-flag"/)
  })

  it('unknown keys are errors naming the file and the key', () => {
    const top = d11(['run'], { name: 'd11.config.json', text: '{"sede": 42}' })
    expect(top.code).toBe(2)
    expect(top.err).toMatch(/d11\.config\.json: sede: unknown key/)
    const nested = d11(['run'], { name: 'd11.config.json', text: '{"run": {"sede": 42}}' })
    expect(nested.code).toBe(2)
    expect(nested.err).toMatch(/d11\.config\.json: run\.sede: unknown option of "d11 run"/)
  })

  it('a file that does not parse is named', () => {
    const res = d11(['run'], { name: 'd11.config.json', text: '{"run": ' })
    expect(res.code).toBe(2)
    expect(res.err).toMatch(/d11\.config\.json: cannot parse/)
  })
})
