/**
 * `pnpm --filter @d11/generator bench [--scale small,large] [--workers 1,2]`
 *
 * Rows/s and peak RSS of `generateWorld` per scale, with one worker and with all cores, beside a
 * baseline measured in the same run: writing the same number of constant rows through a streaming,
 * hashing writer. Each measurement runs in its own process. Default: `small` only (under ~2 min on
 * 2 cores); add `large` explicitly.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name)
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback
}

const scales = arg('--scale', 'small').split(',')
const cores = availableParallelism()
const workerCounts = arg('--workers', [1, cores].filter((v, i, a) => a.indexOf(v) === i).join(','))
  .split(',')
  .map(Number)
const runOne = fileURLToPath(new URL('./run-one.ts', import.meta.url))

function measure(mode: string, scale: string, workers: number) {
  const out = mkdtempSync(join(tmpdir(), `d11-bench-${mode}-`))
  const text = execFileSync(
    process.execPath,
    ['--import', 'tsx', runOne, mode, scale, String(workers), out],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  )
  return JSON.parse(text.trim().split('\n').pop()!) as { rows: number; seconds: number; maxRssMb: number }
}

console.log(`@d11/generator bench: ${cores} cores, node ${process.version}`)
console.log('scale  workers  rows        seconds  rows/s      vs baseline (time)  peak RSS MB')
for (const scale of scales) {
  const base = measure('baseline', scale, 1)
  const row = (label: string, r: typeof base) =>
    console.log(
      `${scale.padEnd(7)}${label.padEnd(9)}${String(r.rows).padEnd(12)}${r.seconds.toFixed(1).padEnd(9)}${Math.round(
        r.rows / r.seconds,
      )
        .toString()
        .padEnd(
          12,
        )}${(r.seconds / base.seconds).toFixed(1).padStart(6)}x${''.padEnd(13)}${r.maxRssMb.toFixed(0)}`,
    )
  row('base', base)
  for (const w of workerCounts) row(String(w), measure('generate', scale, w))
}
