import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The CLI's own launcher, as `pnpm d11` starts it. */
export const D11_BIN = fileURLToPath(new URL('../bin/d11.js', import.meta.url))

export interface CliResult {
  code: number | null
  /** stdout and stderr, interleaved as they came */
  out: string
}

/** Runs `d11 ...args` in `cwd` to its end (a fresh temp folder: its .d11 and reports stay there). */
export function runD11(cwd: string, args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [D11_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const add = (b: Buffer) => {
      out += b.toString()
    }
    child.stdout.on('data', add)
    child.stderr.on('data', add)
    child.on('exit', (code) => done({ code, out }))
  })
}

/** `¥1,234.56` as printed → 123456 fen. */
export const fenOf = (text: string): number => Math.round(Number(text.replace(/[¥,]/g, '')) * 100)
