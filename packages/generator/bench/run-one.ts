/**
 * One benchmark measurement in its own process (so peak RSS is its own): `generate` writes a world,
 * `baseline` writes the same number of constant rows per kind through the same kind of streaming,
 * hashing writer. Prints one JSON line: { rows, seconds, cpuSeconds, maxRssMb }.
 */
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream, rmSync } from 'node:fs'
import { join } from 'node:path'
import { SCALES, type ScaleName } from '../src/config.ts'
import { ENTITY_KINDS } from '../src/entities.ts'
import { generateWorld } from '../src/generate.ts'

const [mode, scale, workersText, out] = process.argv.slice(2) as [string, ScaleName, string, string]
const workers = Number(workersText)
const started = performance.now()
const cpuStart = process.cpuUsage()
let rows = 0
if (mode === 'generate') {
  const manifest = await generateWorld({ seed: 42, scale, calendar: '2022', out, workers })
  rows = Object.values(manifest.rows).reduce((a, b) => a + b, 0)
} else {
  const s = SCALES[scale]
  const skus = s.merchants * s.skusPerMerchant
  const counts = [s.merchants, skus, skus * 2, s.buyers, s.orders, s.consultations, s.afterSales]
  const line = Buffer.from(
    `${JSON.stringify({ id: 'o-000000001', buyerId: 'b-00000001', kind: 'spot', totalFen: 12900, createdAt: '2022-11-11T00:00:00.000+08:00' })}\n`,
  )
  const chunk = Buffer.concat(Array.from({ length: 1000 }, () => line))
  for (const [k, kind] of ENTITY_KINDS.entries()) {
    const stream = createWriteStream(join(out, `${kind}.ndjson`))
    const hash = createHash('sha256')
    const n = counts[k]!
    for (let i = 0; i < n; i += 1000) {
      const buf = n - i >= 1000 ? chunk : chunk.subarray(0, (n - i) * line.length)
      hash.update(buf)
      if (!stream.write(buf)) await once(stream, 'drain')
    }
    stream.end()
    await once(stream, 'finish')
    hash.digest('hex')
    rows += n
  }
}
const seconds = (performance.now() - started) / 1000
// Every thread's CPU time: on a shared host the same work takes more of it when the host is busy.
const cpu = process.cpuUsage(cpuStart)
const cpuSeconds = (cpu.user + cpu.system) / 1e6
rmSync(out, { recursive: true, force: true })
process.stdout.write(
  `${JSON.stringify({ rows, seconds, cpuSeconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
)
