import { writeFileSync } from 'node:fs'
import { openStore } from '../src/connection.ts'
import { ingestK6 } from '../src/ingest-k6.ts'
import { k6SynthLines } from '../src/k6-synth.ts'
writeFileSync('/tmp/h3/p.json', [...k6SynthLines({ seconds: 250, rate: 200, seed: 11 })].join('\n') + '\n')
const store = await openStore({ database: 'p', path: '/tmp/h3/p' })
const G = globalThis as any
for (const b of ['a', 'b', 'c']) {
  G.ins = 0
  let t = performance.now()
  const c0 = process.cpuUsage()
  const r = await ingestK6(store, '/tmp/h3/p.json', { runId: `r${b}` })
  const c = process.cpuUsage(c0)
  console.log('ingest', r.points, Math.round(performance.now() - t), 'ins', Math.round(G.ins), 'proc cpu', Math.round((c.user + c.system) / 1000))
  t = performance.now()
  const c1 = process.cpuUsage()
  await store.client.command({ query: `INSERT INTO ${store.t('k6_samples')} (run_id, source, line, metric, type, value, tags, ts)
        SELECT 'e${b}', 'k6.json', rowNumberInAllBlocks() + 1, metric, '', data.value, data.tags, parseDateTime64BestEffort(data.time, 3)
        FROM file('/tmp/h3/p.json', 'JSONEachRow', 'type String, metric String, data Tuple(time String, value Float64, tags Map(String, String))')
        WHERE type = 'Point'` })
  const c2 = process.cpuUsage(c1)
  console.log('engine', Math.round(performance.now() - t), 'proc cpu', Math.round((c2.user + c2.system) / 1000))
}
await store.close()
