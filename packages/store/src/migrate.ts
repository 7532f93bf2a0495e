import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { queryRows, type Store } from './connection.ts'
import { StoreError } from './errors.ts'

/**
 * Versioned, idempotent migrations: `migrations/NNN-name.sql`, statements separated by `;` at the
 * end of a line, `{{db}}` standing for the database. Applied versions are recorded in
 * `schema_migrations`; every statement is `IF NOT EXISTS`, so a crash half way is simply re-run.
 */

export interface Migration {
  version: number
  name: string
  statements: string[]
  checksum: string
}

const DIR = fileURLToPath(new URL('../migrations/', import.meta.url))

export function listMigrations(dir = DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const m = /^(\d{3})-([a-z0-9-]+)\.sql$/.exec(file)
      if (!m?.[1] || !m[2])
        throw new StoreError('STORE_ERR_MIGRATION', `migration file "${file}" must be named NNN-name.sql`)
      const sql = readFileSync(dir + file, 'utf8')
      const statements = sql
        .split(/;\s*$/m)
        .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
        .filter((s) => s.length > 0)
      return {
        version: Number(m[1]),
        name: m[2],
        statements,
        checksum: createHash('sha256').update(sql).digest('hex').slice(0, 16),
      }
    })
}

/** Applies pending migrations; returns the versions applied by this call. */
export async function migrate(store: Store): Promise<number[]> {
  await store.client.command({
    query: `CREATE TABLE IF NOT EXISTS ${store.t('schema_migrations')} (
      version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree ORDER BY version`,
  })
  const done = new Set(
    (
      await queryRows<{ version: number }>(store, `SELECT version FROM ${store.t('schema_migrations')} FINAL`)
    ).map((r) => Number(r.version)),
  )
  const applied: number[] = []
  for (const m of listMigrations()) {
    if (done.has(m.version)) continue
    for (const statement of m.statements) {
      await store.client.command({ query: statement.replaceAll('{{db}}', `\`${store.database}\``) })
    }
    await store.client.insert({
      table: store.t('schema_migrations'),
      values: [{ version: m.version, name: m.name, checksum: m.checksum }],
      format: 'JSONEachRow',
    })
    applied.push(m.version)
  }
  return applied
}
