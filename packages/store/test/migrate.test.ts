import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Store } from '../src/connection.ts'
import { listMigrations, migrate } from '../src/migrate.ts'
import { openTestStore } from './helpers.ts'

const PACKAGE_MIGRATIONS = fileURLToPath(new URL('../migrations/', import.meta.url))

describe('migration checksums (embedded ClickHouse)', () => {
  let store: Store
  let fresh: Store
  let dir: string
  let cleanup: () => Promise<void>

  beforeAll(async () => {
    ;({ store, dir, cleanup } = await openTestStore('migrate'))
    // A second database of the same engine, migrated from a copy of the files that the tests edit.
    const db = `${store.database}_edited`
    fresh = { ...store, database: db, t: (table) => `\`${db}\`.\`${table}\`` }
    await store.client.command({ query: `CREATE DATABASE IF NOT EXISTS \`${db}\`` })
  })

  afterAll(async () => {
    await store.client.command({ query: `DROP DATABASE IF EXISTS \`${fresh.database}\`` })
    await cleanup()
  })

  function copyMigrations(name: string): string {
    const copy = join(dir, name)
    cpSync(PACKAGE_MIGRATIONS, copy, { recursive: true })
    return `${copy}/`
  }

  it('records the checksum of every file it applies', async () => {
    const rows = await (
      await store.client.query({
        query: `SELECT version, checksum FROM ${store.t('schema_migrations')} FINAL ORDER BY version`,
        format: 'JSONEachRow',
      })
    ).json<{ version: number; checksum: string }>()
    expect(rows).toEqual(listMigrations().map((m) => ({ version: m.version, checksum: m.checksum })))
  })

  it('refuses to start when an applied migration was changed, naming the file', async () => {
    const copy = copyMigrations('edited')
    const all = listMigrations(copy)
    expect(await migrate(fresh, copy)).toEqual(all.map((m) => m.version))
    const edited = all[1]!
    appendFileSync(join(copy, edited.file), '\n-- an afterthought\n')
    const attempt = migrate(fresh, copy)
    await expect(attempt).rejects.toThrow(
      new RegExp(`migration ${edited.file} was changed after it was applied to database "${fresh.database}"`),
    )
    await expect(migrate(fresh, copy)).rejects.toMatchObject({ code: 'STORE_ERR_MIGRATION' })
  })

  it('starts again once the file is restored, and a Windows checkout (CRLF) reads the same', async () => {
    const copy = copyMigrations('restored')
    for (const m of listMigrations(copy)) {
      const path = join(copy, m.file)
      writeFileSync(path, readFileSync(path, 'utf8').replaceAll('\n', '\r\n'))
    }
    expect(await migrate(fresh, copy)).toEqual([])
  })

  it('applies a new migration after the recorded ones without complaint', async () => {
    const copy = copyMigrations('extended')
    const next = Math.max(...listMigrations(copy).map((m) => m.version)) + 1
    const file = `${String(next).padStart(3, '0')}-probe.sql`
    writeFileSync(
      join(copy, file),
      'CREATE TABLE IF NOT EXISTS {{db}}.probe (id UInt32) ENGINE = MergeTree ORDER BY id;\n',
    )
    expect(await migrate(fresh, copy)).toEqual([next])
    expect(await migrate(fresh, copy)).toEqual([])
  })
})
