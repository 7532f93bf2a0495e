import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore, type Store } from './connection.ts'

/**
 * A real store for one test file, for this package's tests and everyone else's: the embedded
 * engine in a temp folder (one engine per vitest worker process), or the server named by
 * `CLICKHOUSE_URL`; always a database of its own, dropped by `cleanup`.
 */
export async function openTestStore(
  name: string,
): Promise<{ store: Store; dir: string; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `d11-test-${name}-`))
  const database = `d11_test_${name.replaceAll(/\W/g, '_')}_${process.pid}`
  const store = await openStore({ database, path: join(dir, 'clickhouse') })
  return {
    store,
    dir,
    cleanup: async () => {
      await store.client.command({ query: `DROP DATABASE IF EXISTS \`${database}\`` })
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
