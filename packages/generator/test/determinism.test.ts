import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ENTITY_KINDS, type WorldManifest } from '../src/entities.ts'
import { generateWorld } from '../src/generate.ts'
import { sha256, tempDir } from './helpers.ts'

const base = { seed: 42, scale: 'tiny', calendar: '2022' } as const
let serial: WorldManifest
let serialDir: string

beforeAll(async () => {
  serialDir = tempDir('serial')
  serial = await generateWorld({ ...base, out: serialDir })
}, 60_000)

describe('determinism (seed, kind, index) at tiny', { timeout: 60_000 }, () => {
  it('writes every kind plus a manifest whose sha256 and row counts match the files', () => {
    expect(readdirSync(serialDir).sort()).toEqual(
      [...ENTITY_KINDS.map((k) => `${k}.ndjson`), 'manifest.json'].sort(),
    )
    for (const kind of ENTITY_KINDS) {
      const file = join(serialDir, serial.files[kind].file)
      expect(sha256(file)).toBe(serial.files[kind].sha256)
      expect(readFileSync(file, 'utf8').split('\n').length - 1).toBe(serial.rows[kind])
    }
    expect(serial.rows.orders).toBe(10_000)
    expect(serial.seed).toBe(42)
    expect(serial.calendar).toBe('2022')
    expect(serial.generator.version).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('gives identical sha256 for every file on a second run with the same seed', async () => {
    const again = await generateWorld({ ...base, out: tempDir('again'), chunkRows: 777 })
    expect(again.files).toEqual(serial.files)
  })

  it('gives different files for another seed', async () => {
    const other = await generateWorld({ ...base, seed: 43, out: tempDir('seed43') })
    for (const kind of ENTITY_KINDS) expect(other.files[kind].sha256).not.toBe(serial.files[kind].sha256)
  })

  it('gives the serial bytes when 3 shards are concatenated in order', async () => {
    const dirs = [tempDir('s1'), tempDir('s2'), tempDir('s3')]
    const shards = await Promise.all(
      dirs.map((out, i) => generateWorld({ ...base, out, shard: { index: i + 1, count: 3 } })),
    )
    for (const kind of ENTITY_KINDS) {
      const parts = dirs.map((d) => join(d, `${kind}.ndjson`))
      expect(sha256(...parts), kind).toBe(serial.files[kind].sha256)
      expect(shards.reduce((s, m) => s + m.rows[kind], 0)).toBe(serial.rows[kind])
    }
    expect(shards[1]!.shard).toEqual({ index: 2, count: 3 })
  })

  it('gives the serial bytes with 2 worker threads', async () => {
    const parallel = await generateWorld({ ...base, out: tempDir('workers'), workers: 2, chunkRows: 2_500 })
    expect(parallel.files).toEqual(serial.files)
  })

  it('gives the same CSV bytes whether sharded or not (header only in shard 1)', async () => {
    const whole = await generateWorld({ ...base, format: 'csv', out: tempDir('csv') })
    const dirs = [tempDir('c1'), tempDir('c2')]
    await Promise.all(
      dirs.map((out, i) => generateWorld({ ...base, format: 'csv', out, shard: { index: i + 1, count: 2 } })),
    )
    for (const kind of ENTITY_KINDS) {
      expect(sha256(...dirs.map((d) => join(d, `${kind}.csv`))), kind).toBe(whole.files[kind].sha256)
    }
  })
})
