import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows, type Store } from '../src/connection.ts'
import { loadSpool, SpoolWriter } from '../src/spool.ts'
import { openTestStore } from './helpers.ts'

let store: Store
let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => {
  ;({ store, dir, cleanup } = await openTestStore('spool_recovery'))
}, 60_000)
afterAll(async () => cleanup?.(), 60_000)

const count = async (runId: string) =>
  Number(
    (
      await queryRows<{ c: number }>(
        store,
        `SELECT count() AS c FROM ${store.t('events')} FINAL WHERE run_id = {r:String}`,
        { r: runId },
      )
    )[0]?.c,
  )

describe('spool crash recovery (issue 17)', () => {
  it('a SIGKILLed writer: its open segment is recovered to the last complete line, the torn tail reported', async () => {
    const spool = join(dir, 'killed')
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./fixtures/spool-writer-child.ts', import.meta.url)),
        spool,
        '250',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('committed 250') && resolve())
      child.once('exit', (code) => reject(new Error(`writer child exited early (${code})`)))
    })
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))
    const [segment] = readdirSync(spool).filter((f) => f.endsWith('.ndjson.open'))
    expect(segment).toBeDefined()
    // Everything committed is in the file; now the tail of a line the writer never finished.
    appendFileSync(join(spool, segment!), '{"table":"events","row":{"event_id":"k-250","run_')

    const res = await loadSpool(store, spool)
    expect(res.recovered).toEqual([{ file: segment, rows: 250, tornBytes: 49 }])
    expect(res.badLines).toEqual([
      {
        file: segment,
        line: 251,
        reason: 'torn last line: 49 bytes without a newline (the writer stopped mid-write), not loaded',
      },
    ])
    expect(res.rows.events).toBe(250)
    expect(await count('run-killed')).toBe(250)
    // Recovered once: marked done, a second load finds nothing.
    expect(readdirSync(spool).filter((f) => f.endsWith('.ndjson.done'))).toHaveLength(1)
    expect((await loadSpool(store, spool)).files).toBe(0)
  }, 60_000)

  it("a live writer's open segment is left alone (and said so) unless includeOpen", async () => {
    const spool = join(dir, 'live')
    const w = new SpoolWriter({ dir: spool, writerId: 'live' })
    for (let i = 0; i < 10; i++) w.append('events', { event_id: `l-${i}`, run_id: 'run-live', kind: 'k' })
    await w.commit(false)
    const res = await loadSpool(store, spool)
    expect(res.files).toBe(0)
    expect(res.openSkipped).toEqual([
      { file: 'live-000001.ndjson.open', reason: `writer live (pid ${process.pid}) is still running` },
    ])
    const peek = await loadSpool(store, spool, { includeOpen: true })
    expect(peek.rows.events).toBe(10)
    expect(existsSync(join(spool, 'live-000001.ndjson.open'))).toBe(true) // not marked done
    await w.close()
    expect(readdirSync(spool)).toEqual(['live-000001.ndjson']) // lock removed on close
    await loadSpool(store, spool)
    expect(await count('run-live')).toBe(10)
  })

  it('commit() is a group commit: rows are in the file when it resolves, concurrent callers share one', async () => {
    const spool = join(dir, 'group')
    const w = new SpoolWriter({ dir: spool, writerId: 'group', batchLines: 1_000_000 })
    w.append('events', { event_id: 'g-0', run_id: 'run-group', kind: 'k' })
    const first = w.commit(true)
    w.append('events', { event_id: 'g-1', run_id: 'run-group', kind: 'k' })
    const second = w.commit(true)
    const third = w.commit(true)
    expect(third).toBe(second) // queued behind the running one: shared
    await first
    await second
    const text = readFileSync(join(spool, 'group-000001.ndjson.open'), 'utf8')
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).row.event_id),
    ).toEqual(['g-0', 'g-1'])
    await w.close()
  })
})
