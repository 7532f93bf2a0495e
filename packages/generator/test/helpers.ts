import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `d11-gen-${name}-`))
}

export function sha256(...files: string[]): string {
  const h = createHash('sha256')
  for (const f of files) h.update(readFileSync(f))
  return h.digest('hex')
}
