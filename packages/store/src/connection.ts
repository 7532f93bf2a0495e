import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { type ClickHouseClient, createClient } from '@clickhouse/client'
import { StoreError } from './errors.ts'

/**
 * `@d11/store/connection`: one `@clickhouse/client` for both engines.
 * - No `CLICKHOUSE_URL`: embedded ClickHouse (chdb) in this process, data under `path`. Only one
 *   process may own a data folder, and chdb allows one on-disk path per process: writers use the
 *   spool (`@d11/store/spool`) and only the loader / report open the store.
 * - `CLICKHOUSE_URL` (+ `CLICKHOUSE_USER`, `CLICKHOUSE_PASSWORD`, `CLICKHOUSE_DB`): a server over HTTP.
 *
 * Every query names its tables with the database (`store.t('runs')`): the embedded connection does
 * not apply the client's `database` setting, so the code never relies on it.
 */

export interface StoreOptions {
  /**
   * Database holding the d11 tables (created when missing).
   * @default process.env.CLICKHOUSE_DB ?? 'd11'
   */
  database?: string
  /**
   * Embedded data folder (ignored with a server URL).
   * @default process.env.D11_CLICKHOUSE_PATH ?? '.d11/clickhouse'
   */
  path?: string
  /**
   * Server URL; when empty the embedded engine is used.
   * @default process.env.CLICKHOUSE_URL
   */
  url?: string
  /** @default process.env.CLICKHOUSE_USER ?? 'default' */
  username?: string
  /** @default process.env.CLICKHOUSE_PASSWORD ?? '' */
  password?: string
  /**
   * Apply pending migrations on open.
   * @default true
   */
  migrate?: boolean
}

export interface Store {
  client: ClickHouseClient
  database: string
  /** `embedded` (chdb) or `server` (HTTP). */
  engine: 'embedded' | 'server'
  /** Fully qualified, quoted table name: `` `d11`.`runs` ``. */
  t(table: string): string
  close(): Promise<void>
}

/** Numbers come back as JSON numbers (Int64 fen fits in a double up to 2^53). */
const CLIENT_SETTINGS = { output_format_json_quote_64bit_integers: 0 } as const

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/

export function assertIdentifier(name: string, field: string): string {
  if (!IDENT.test(name)) {
    throw new StoreError(
      'STORE_ERR_IDENT',
      `${field} "${name}" must match ${IDENT.source} (letters, digits, underscore)`,
    )
  }
  return name
}

/** Resolved connection settings from options and environment (exported for the CLI's help). */
export function resolveStoreOptions(opts: StoreOptions = {}, env: NodeJS.ProcessEnv = process.env) {
  const url = opts.url ?? env.CLICKHOUSE_URL ?? ''
  return {
    database: assertIdentifier(opts.database ?? env.CLICKHOUSE_DB ?? 'd11', 'database (CLICKHOUSE_DB)'),
    path: resolve(opts.path ?? env.D11_CLICKHOUSE_PATH ?? '.d11/clickhouse'),
    url,
    username: opts.username ?? env.CLICKHOUSE_USER ?? 'default',
    password: opts.password ?? env.CLICKHOUSE_PASSWORD ?? '',
    migrate: opts.migrate ?? true,
  }
}

/** Opens the store (embedded or server), creates the database and applies migrations. */
export async function openStore(opts: StoreOptions = {}): Promise<Store> {
  const o = resolveStoreOptions(opts)
  let client: ClickHouseClient
  let engine: Store['engine']
  if (o.url) {
    engine = 'server'
    const admin = createClient({ url: o.url, username: o.username, password: o.password })
    try {
      await admin.command({ query: `CREATE DATABASE IF NOT EXISTS \`${o.database}\`` })
    } finally {
      await admin.close()
    }
    client = createClient({
      url: o.url,
      username: o.username,
      password: o.password,
      database: o.database,
      clickhouse_settings: CLIENT_SETTINGS,
    })
  } else {
    engine = 'embedded'
    mkdirSync(o.path, { recursive: true })
    const { createChdbConnection } = await import('chdb/connection')
    client = createClient({ connection: createChdbConnection({ path: o.path }) } as Parameters<
      typeof createClient
    >[0])
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS \`${o.database}\`` })
  }
  const store: Store = {
    client,
    database: o.database,
    engine,
    t: (table) => `\`${o.database}\`.\`${assertIdentifier(table, 'table')}\``,
    close: () => client.close(),
  }
  if (o.migrate) {
    const { migrate } = await import('./migrate.ts')
    await migrate(store)
  }
  return store
}

/** Runs a query and returns its rows as objects (JSONEachRow). */
export async function queryRows<T>(
  store: Store,
  query: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const rs = await store.client.query({ query, format: 'JSONEachRow', query_params: params })
  return rs.json<T>()
}
