import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { queryRows, type Store } from './connection.ts'
import { StoreError } from './errors.ts'

/**
 * Versioned, idempotent migrations: `migrations/NNN-name.sql`, statements separated by `;` at the
 * end of a line, `{{db}}` standing for the database. Applied versions are recorded in
 * `schema_migrations` with the file's checksum; every statement is `IF NOT EXISTS`, so a crash half
 * way is simply re-run. An applied migration is never edited: a change goes in a new file, and
 * opening a store whose recorded checksum differs from the file fails, naming the file.
 */

export interface Migration {
  /** `NNN-name.sql` */
  file: string
  version: number
  name: string
  statements: string[]
  checksum: string
}

const DIR = fileURLToPath(new URL('../migrations/', import.meta.url))

/** First 16 hex digits of the file's SHA-256 (line endings normalised, so a Windows checkout agrees). */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replaceAll('\r\n', '\n')).digest('hex').slice(0, 16)
}

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
        file,
        version: Number(m[1]),
        name: m[2],
        statements,
        checksum: migrationChecksum(sql),
      }
    })
}

/** Applies pending migrations (from `dir`, the package's by default); returns the versions applied. */
export async function migrate(store: Store, dir = DIR): Promise<number[]> {
  await store.client.command({
    query: `CREATE TABLE IF NOT EXISTS ${store.t('schema_migrations')} (
      version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree ORDER BY version`,
  })
  const recorded = await queryRows<{ version: number; checksum: string }>(
    store,
    `SELECT version, checksum FROM ${store.t('schema_migrations')} FINAL`,
  )
  const done = new Map(recorded.map((r) => [Number(r.version), r.checksum]))
  const migrations = listMigrations(dir)
  assertAppliedUnchanged(store, migrations, done)
  const applied: number[] = []
  for (const m of migrations) {
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

/** Every applied migration must still read as it did when applied (its checksum is recorded). */
function assertAppliedUnchanged(store: Store, migrations: Migration[], done: Map<number, string>): void {
  for (const m of migrations) {
    const checksum = done.get(m.version)
    if (checksum === undefined || checksum === m.checksum) continue
    throw new StoreError(
      'STORE_ERR_MIGRATION',
      `migration ${m.file} was changed after it was applied to database "${store.database}" ` +
        `(checksum recorded ${checksum}, file now ${m.checksum}): restore the file and put the ` +
        'change in a new migration with the next number',
    )
  }
}
