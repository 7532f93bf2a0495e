import { execFileSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { GridPool } from '../src/grid.ts'
import type { ArmMeasure, ArmResult } from './grid-arm.ts'
import { machineCeiling } from './machine-ceiling.ts'

/**
 * The 27-cell grid on 1 thread against N threads (this thread + N − 1 workers), both arms in the
 * same run. Each arm runs in a fresh process (./grid-arm.ts), so neither inherits the other's warm
 * JIT; the order alternates round by round (1, N, then N, 1, …) so a slow spell of the machine
 * falls on both. Reported: medians per arm, the ratio of the medians and the median of each
 * round's own ratio, beside each arm's CPU and what the rest of the machine used meanwhile.
 */
export async function gridBench(o: { cellOrders: number; threads: number; rounds: number }): Promise<void> {
  const { cellOrders, threads, rounds } = o
  const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`
  console.log(
    `\n## 27-cell grid (buffer × picksPerHour × syncLagSeconds), ${cellOrders.toLocaleString('en-US')} orders per cell: 1 thread vs ${threads} threads (this + ${threads - 1} worker)`,
  )
  console.log(
    `${rounds} rounds, each arm a fresh process, order alternating; load average at start ${fmtLoad()}`,
  )
  console.log(await ceilingLine(threads))
  // build the workers' bundle now if the sources changed, so no arm's time includes esbuild
  const prebuilt = GridPool.start(2, { callerRuns: false })
  await prebuilt.ready()
  await prebuilt.close()
  console.log(
    'round  arm  mode  wall      CPU (all threads)  cores used  others on the box  steal   cells (time in them) per thread',
  )
  const arms: Record<'one' | 'many', ArmResult[]> = { one: [], many: [] }
  for (let r = 0; r < rounds; r++) {
    const order: Array<'one' | 'many'> = r % 2 === 0 ? ['one', 'many'] : ['many', 'one']
    for (const arm of order) {
      const res = runArm(arm === 'one' ? 1 : threads, cellOrders)
      arms[arm].push(res)
      for (const mode of ['cold', 'warm'] as const) console.log(row(r + 1, res.threads, mode, res[mode]))
    }
  }
  const digests = new Set([...arms.one, ...arms.many].map((a) => a.digest))
  console.log(
    `results of every arm and mode identical: ${digests.size === 1 ? 'yes' : `NO (${[...digests].join(', ')})`}`,
  )

  for (const mode of ['cold', 'warm'] as const) {
    const one = arms.one.map((a) => a[mode])
    const many = arms.many.map((a) => a[mode])
    const wallOne = median(one.map((m) => m.wallMs))
    const wallMany = median(many.map((m) => m.wallMs))
    const paired = median(one.map((m, i) => m.wallMs / many[i]!.wallMs))
    const cpu = (ms: ArmMeasure[]) => fmtS(median(ms.map((m) => m.cpuMs)))
    const others = (ms: ArmMeasure[]) => {
      const known = ms.flatMap((m) => (m.othersMs === null ? [] : [m.othersMs / m.wallMs]))
      return known.length ? `${median(known).toFixed(2)} cores` : 'unknown'
    }
    console.log(
      `\n${mode}${mode === 'cold' ? ' (as `d11 whatif` runs it: start-up and cold JIT inside)' : ' (pool started and warmed before the timed grid)'}`,
    )
    console.log(`  1 thread:   median ${fmtS(wallOne)}, CPU ${cpu(one)}, others busy ${others(one)}`)
    console.log(
      `  ${threads} threads:  median ${fmtS(wallMany)}, CPU ${cpu(many)}, others busy ${others(many)}`,
    )
    console.log(
      `  speed-up: ${(wallOne / wallMany).toFixed(2)}× (ratio of medians), ${paired.toFixed(2)}× (median of the rounds' ratios); target ≥ 1.6× on 2 threads`,
    )
    const quiet = (m: ArmMeasure) => m.othersMs !== null && m.othersMs / m.wallMs < QUIET_CORES
    const clean = one.flatMap((m, i) => (quiet(m) && quiet(many[i]!) ? [m.wallMs / many[i]!.wallMs] : []))
    console.log(
      `  rounds where the rest of the machine used < ${QUIET_CORES} cores in both arms: ${clean.length} of ${rounds}${clean.length ? `, their median speed-up ${median(clean).toFixed(2)}×` : ''}`,
    )
  }
  console.log(`load average at the end ${fmtLoad()}`)
  console.log(await ceilingLine(threads))
  console.log(
    [
      '',
      "What these figures cannot show: the speed-up is wall time, so it is only the pool's own when the",
      'other cores are free; "others busy" is the CPU every other process on the machine took during the',
      'arm (/proc/stat), in cores: near 0 the figure is clean, at ≥ 1 on 2 cores the second thread shared',
      'its core and the ratio understates the pool. It cannot see contention below the OS: a vCPU sharing',
      'a physical core or memory bandwidth (steal shows only what the hypervisor admits to), nor clock',
      'changes. The machine ceiling lines bound what any pool can reach: big cells stream their columns',
      'through memory, so they scale like the memory sweep more than like the compute loop.',
      'CPU is the whole process (every thread, V8 helpers, worker start-up): CPU(N) − CPU(1) is',
      "what parallelism costs. The load average is a 1-minute mean and includes this bench's own threads.",
    ].join('\n'),
  )
}

/** Below this much CPU taken by other processes (in cores) an arm counts as run on a quiet machine. */
const QUIET_CORES = 0.25

async function ceilingLine(threads: number): Promise<string> {
  const c = await machineCeiling(threads)
  return `machine ceiling on ${threads} threads (plain loops, no pool): compute ${c.compute.toFixed(2)}×, 128 MB memory sweep ${c.memory.toFixed(2)}×`
}

const ARM = fileURLToPath(new URL('./grid-arm.ts', import.meta.url))

/** One arm in a fresh Node with this process's loader flags (tsx). */
function runArm(threads: number, cellOrders: number): ArmResult {
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, ARM, '--threads', String(threads), '--cell-orders', String(cellOrders)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 },
  )
  return JSON.parse(out.trim().split('\n').at(-1)!) as ArmResult
}

function row(round: number, threads: number, mode: string, m: ArmMeasure): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
  const cores = (ms: number | null) => (ms === null ? 'unknown' : `${(ms / m.wallMs).toFixed(2)} cores`)
  return [
    String(round).padEnd(5),
    String(threads).padEnd(3),
    mode.padEnd(4),
    s(m.wallMs).padEnd(8),
    s(m.cpuMs).padEnd(17),
    (m.cpuMs / m.wallMs).toFixed(2).padEnd(10),
    cores(m.othersMs).padEnd(17),
    (m.stealMs === null ? '–' : s(m.stealMs)).padEnd(7),
    m.cellsPerThread.map((n, i) => `${n} (${s(m.busyMsPerThread[i] ?? 0)})`).join(' + '),
  ].join('  ')
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

const fmtLoad = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ')
