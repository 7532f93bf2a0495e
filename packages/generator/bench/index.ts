/**
 * `pnpm --filter @d11/generator bench [--scale small,large] [--workers 1,2] [--repeat 5]`
 *
 * Rows/s and peak RSS of `generateWorld` per scale, with one worker and with all cores, beside a
 * baseline measured in the same run: writing the same number of constant rows through a streaming,
 * hashing writer. Each measurement runs in its own process, `--repeat` times (the median is shown,
 * with the fastest and slowest run: on a shared host one run proves little). Default: `small`
 * only, once (under ~2 min on 2 cores); add `large` explicitly.
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
const repeat = Math.max(1, Number(arg('--repeat', '1')) || 1)
const runOne = fileURLToPath(new URL('./run-one.ts', import.meta.url))

interface Run {
  rows: number
  seconds: number
  cpuSeconds: number
  maxRssMb: number
}

function measureOnce(mode: string, scale: string, workers: number): Run {
  const out = mkdtempSync(join(tmpdir(), `d11-bench-${mode}-`))
  const text = execFileSync(
    process.execPath,
    ['--import', 'tsx', runOne, mode, scale, String(workers), out],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  )
  return JSON.parse(text.trim().split('\n').pop()!) as Run
}

/** `repeat` runs: the median run's figures, the fastest and slowest time, the highest RSS. */
function measure(mode: string, scale: string, workers: number) {
  const runs = Array.from({ length: repeat }, () => measureOnce(mode, scale, workers)).sort(
    (a, b) => a.seconds - b.seconds,
  )
  const median = runs[Math.floor((runs.length - 1) / 2)]!
  return {
    ...median,
    fastest: runs[0]!.seconds,
    slowest: runs[runs.length - 1]!.seconds,
    maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)),
  }
}

const cell = (text: string | number, width: number) => String(text).padEnd(width)

console.log(`@d11/generator bench: ${cores} cores, node ${process.version}, ${repeat} run(s) each`)
console.log(
  `${cell('scale', 7)}${cell('workers', 9)}${cell('rows', 10)}${cell('seconds', 9)}${cell('range', 13)}${cell('CPU s', 8)}${cell('rows/s', 10)}${cell('vs baseline', 13)}peak RSS MB`,
)
for (const scale of scales) {
  const base = measure('baseline', scale, 1)
  const row = (label: string, r: ReturnType<typeof measure>) =>
    console.log(
      [
        cell(scale, 7),
        cell(label, 9),
        cell(r.rows, 10),
        cell(r.seconds.toFixed(1), 9),
        cell(`${r.fastest.toFixed(1)}–${r.slowest.toFixed(1)}`, 13),
        cell(r.cpuSeconds.toFixed(1), 8),
        cell(Math.round(r.rows / r.seconds), 10),
        cell(`${(r.seconds / base.seconds).toFixed(1)}x`, 13),
        r.maxRssMb.toFixed(0),
      ].join(''),
    )
  row('base', base)
  for (const w of workerCounts) row(String(w), measure('generate', scale, w))
}
