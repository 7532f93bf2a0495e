import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore, queryRows } from '@d11/store/connection'
import { loadSpool } from '@d11/store/spool'
import { afterAll, describe, expect, it } from 'vitest'
import { post, worldApp } from './helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'd11-platform-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('events survive a dead store', () => {
  it('keeps accepting orders while the store is down; after restore every accepted order is in ClickHouse', async () => {
    const spoolDir = join(dir, 'spool')
    const runId = `store-down-${process.pid}`
    const app = await worldApp({ at: '2020-11-01T10:00:00+08:00', config: { spoolDir, runId } })
    const accepted: string[] = []
    const place = async () => {
      const r = await post(app, '/buyer/orders', {
        buyerId: 'b-1',
        kind: 'spot',
        items: [{ skuId: 's-phone', quantity: 1 }],
      })
      expect(r.status).toBe(201)
      accepted.push(r.body.orders[0].id)
      await post(app, `/buyer/orders/${r.body.orders[0].id}/pay`, { stage: 'spot' })
    }
    for (let i = 0; i < 40; i++) await place()
    // The loader points at a dead ClickHouse: it fails, the platform does not notice.
    await expect(openStore({ url: 'http://127.0.0.1:1', database: 'd11_dead' })).rejects.toThrow()
    for (let i = 0; i < 60; i++) await place()
    const sent = (await app.inject({ method: 'POST', url: '/admin/flush' })).json().counts
    await app.close()

    // Restored: an embedded ClickHouse in a temp folder; the one loader replays the spool.
    const store = await openStore({
      url: '',
      path: join(dir, 'clickhouse'),
      database: `d11_platform_${process.pid}`,
    })
    try {
      const res = await loadSpool(store, spoolDir)
      expect(res.badLines).toEqual([])
      expect(res.rows.events).toBe(sent.events)
      const [placed] = await queryRows<{ c: number }>(
        store,
        `SELECT count() AS c FROM ${store.t('events')} FINAL WHERE run_id = {run:String} AND kind = 'order.placed'`,
        { run: runId },
      )
      expect(Number(placed?.c)).toBe(accepted.length)
      const ids = await queryRows<{ order_id: string }>(
        store,
        `SELECT DISTINCT order_id FROM ${store.t('events')} FINAL WHERE run_id = {run:String} AND kind = 'order.paid'`,
        { run: runId },
      )
      expect(ids.map((r) => r.order_id).sort()).toEqual([...accepted].sort())
    } finally {
      await store.close()
    }
  })
})
