// `d11 run --engine k6` end to end on the tiny world with the real k6 binary (v0.49 in CI),
// skipped with the reason in the title when no k6 is found.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findK6, k6Version, NO_K6_REASON } from '@d11/k6-runner/find-k6'
import { openStore, queryRows } from '@d11/store/connection'
import { afterAll, describe, expect, it } from 'vitest'
import { runD11 } from './cli-process.ts'

const k6 = findK6()?.path
const cwd = mkdtempSync(join(tmpdir(), 'd11-run-k6-'))
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

const d11 = (args: string[]) => runD11(cwd, args)

describe.skipIf(!k6)(
  k6 ? `d11 run --engine k6 (${k6})` : `d11 run --engine k6: skipped, ${NO_K6_REASON}`,
  () => {
    it('passes on the tiny world and names the k6 binary and version it ran', async () => {
      const runId = 'e2e-k6'
      const res = await d11([
        'run',
        '--engine',
        'k6',
        '--run-id',
        runId,
        '--duration',
        '5s',
        '--peak-rps',
        '10',
        '--workers',
        '1',
        '--settle',
        '0',
      ])
      expect(res.code, res.out).toBe(0)
      const loadLog = readFileSync(join(cwd, '.d11', 'runs', runId, 'load.log'), 'utf8')
      expect(loadLog).toContain(`with ${k6}, ${k6Version(k6!)}`)
      expect(loadLog).toContain('thresholds: all passed')
      const store = await openStore({ path: join(cwd, '.d11', 'clickhouse') })
      try {
        const [row] = await queryRows<{ n: number }>(
          store,
          `SELECT count() AS n FROM ${store.t('k6_samples')} WHERE run_id = '${runId}' AND metric = 'http_reqs'`,
        )
        expect(Number(row?.n)).toBeGreaterThan(10)
      } finally {
        await store.close()
      }
    }, 240_000)
  },
)
