import type { ObservedCapacity } from '@d11/sim/from-run'
import type { GridAxis } from '@d11/sim/scenario'

/**
 * `d11 whatif --from-run RUN`: the stored live run rebuilt as one simulator scenario per merchant
 * (`@d11/sim/from-run`), its own figures beside the simulator's baseline cell, then the grid around
 * it sorted by cost. Heavy imports happen inside.
 */

export interface FromRunFlags {
  grid: string[]
  out?: string
  db?: string
  data?: string
}

interface Progress {
  update(done: number, cell: string): void
  stop(): void
}

const yuan = (fen: number) =>
  `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`

export async function whatIfFromRun(
  runId: string,
  flags: FromRunFlags,
  progress: (total: number) => Promise<Progress>,
): Promise<void> {
  const { mkdirSync, writeFileSync } = await import('node:fs')
  const { dirname, resolve } = await import('node:path')
  const { openStore } = await import('@d11/store/connection')
  const { readStoredRun } = await import('@d11/store/from-run')
  const { loadProfile } = await import('@d11/merchant-model/profile')
  const { buildPopulation, parseMix } = await import('@d11/merchant-model/population')
  const { parseGridFlag } = await import('@d11/sim/scenario')
  const sim = await import('@d11/sim/from-run')
  const { complains } = await import('./buyer-complaints.ts')

  const store = await openStore({ database: flags.db, path: flags.data })
  let stored: Awaited<ReturnType<typeof readStoredRun>>
  try {
    stored = await readStoredRun(store, runId)
  } finally {
    await store.close()
  }
  const { run, params } = stored
  const seed = run.seed ?? 0
  const merchantIds = stored.merchantIds
  const profileOf =
    'profile' in params.population
      ? (() => {
          const p = loadProfile(params.population.profile)
          return () => p
        })()
      : (() => {
          const pop = buildPopulation(seed, merchantIds, parseMix(params.population.mix))
          return (id: string) => pop.byMerchant.get(id)!
        })()
  const setup = {
    seed,
    calendar: run.calendar ?? '2020',
    settleHours: params.settleHours,
    complained: (orderId: string) => complains(seed, orderId, params.complaintShare),
  }
  const ordersOf = new Map<string, typeof stored.orders>()
  for (const o of stored.orders) {
    const list = ordersOf.get(o.merchantId)
    if (list) list.push(o)
    else ordersOf.set(o.merchantId, [o])
  }
  const models = merchantIds
    .filter((id) => ordersOf.has(id))
    .map((id) =>
      sim.merchantModel(
        {
          merchantId: id,
          profile: profileOf(id),
          orders: ordersOf.get(id)!,
          skus: stored.skus.filter((k) => k.merchantId === id),
          pickups: stored.pickups[id] ?? [],
          lateInRun: stored.live.lateByMerchant[id] ?? 0,
        },
        setup,
      ),
    )

  const out = process.stdout
  const population =
    'profile' in params.population ? params.population.profile : `mix ${params.population.mix}`
  out.write(
    `whatif --from-run ${runId} · seed ${seed} · calendar ${setup.calendar} · ${population} · ` +
      `${stored.orders.length.toLocaleString('en-US')} paid orders of ${models.length} merchants · complaint share ${params.complaintShare}\n`,
  )
  writeCapacity(out, models)

  // baseline: the run's own settings
  const baseline = sim.simulateRun(models)
  const checks = sim.compareBaseline(stored.live, baseline)
  const fmt = (v: number, unit: 'orders' | 'fen') => (unit === 'fen' ? yuan(v) : String(v))
  out.write(`\nbaseline cell (the run's settings) beside the live run\n`)
  out.write(`  ${'figure'.padEnd(34)} ${'live'.padStart(12)} ${'simulator'.padStart(12)}  tolerance\n`)
  for (const c of checks) {
    out.write(
      `  ${c.figure.padEnd(34)} ${fmt(c.live, c.unit).padStart(12)} ${fmt(c.sim, c.unit).padStart(12)}  ${c.tolerance}${c.ok ? '' : '  DISAGREES'}\n`,
    )
  }
  const bad = checks.filter((c) => !c.ok)
  out.write(
    bad.length === 0
      ? "  agree: the simulator's baseline matches the live run within the twin's tolerance\n"
      : `  DISAGREE: ${bad.map((c) => c.figure).join(', ')} outside the twin's tolerance (the grid below is priced by the simulator)\n`,
  )

  // the grid around it
  const axes: GridAxis[] =
    flags.grid.length > 0 ? flags.grid.map(parseGridFlag) : sim.DEFAULT_FROM_RUN_GRID.map((a) => ({ ...a }))
  // every combination, row-major as expandGrid orders them; each merchant validates its own cell
  let cells: Array<{ params: Record<string, GridAxis['values'][number]> }> = [{ params: {} }]
  for (const axis of axes)
    cells = cells.flatMap((c) => axis.values.map((v) => ({ params: { ...c.params, [axis.path]: v } })))
  const bar = await progress(cells.length)
  const results = cells.map((c, i) => {
    const r = sim.simulateRun(models, c.params)
    const id = Object.entries(c.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(';')
    bar.update(i + 1, id)
    return { index: i, id: id || 'base', params: c.params, r }
  })
  bar.stop()
  const liveFen = stored.live.payoutFen
  out.write(`\ngrid (${results.length} cells, cheapest first; saving vs the live run's ${yuan(liveFen)})\n`)
  const width = Math.max(4, ...results.map((c) => c.id.length))
  out.write(
    `  ${'cell'.padEnd(width)}  ${'late'.padStart(6)}  ${'oversold'.padStart(8)}  ${'payouts'.padStart(12)}  ${'saving'.padStart(12)}\n`,
  )
  for (const c of [...results].sort(
    (a, b) => a.r.result.payouts.totalFen - b.r.result.payouts.totalFen || a.index - b.index,
  )) {
    const fen = c.r.result.payouts.totalFen
    out.write(
      `  ${c.id.padEnd(width)}  ${String(c.r.result.late.total).padStart(6)}  ${String(c.r.result.orders.oversold).padStart(8)}  ${yuan(fen).padStart(12)}  ${yuan(liveFen - fen).padStart(12)}\n`,
    )
  }
  const cheaper = results.filter((c) => c.r.result.payouts.totalFen < liveFen).length
  out.write(`${cheaper} of ${results.length} cells cost less than the live run\n`)

  if (flags.out) {
    const { whatIfReport } = await import('@d11/sim/report')
    const file = resolve(flags.out)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(
      file,
      whatIfReport({
        title: `What-if from run ${runId}`,
        scenario: `from-run ${runId}`,
        axes,
        runs: results.map((c) => ({
          index: c.index,
          id: c.id,
          params: c.params,
          runId: `${runId}:whatif:${c.index}`,
          seed,
          scenario: `from-run-${runId}`,
          calendar: setup.calendar,
          merchantId: `${models.length} merchants`,
          result: c.r.result,
        })),
        subtitle: `live run ${runId}: ${stored.live.late} late pickups, payouts ${yuan(liveFen)}; simulator baseline ${baseline.result.late.total} late, ${yuan(baseline.result.payouts.totalFen)} (${bad.length === 0 ? 'agrees' : 'disagrees'})`,
      }),
    )
    out.write(`report: ${file}\n`)
  }
}

/**
 * Which warehouse rate each merchant runs at in the simulator: a line per merchant whose run showed
 * a lower rate that bound (it missed pickups), one summary line for the rest.
 */
function writeCapacity(
  out: NodeJS.WritableStream,
  models: ReadonlyArray<{ merchantId: string; profileName: string; capacity: ObservedCapacity }>,
): void {
  out.write('capacity (picks per working hour while orders waited)\n')
  for (const m of models) {
    const c = m.capacity
    if (c.used !== 'observed') continue
    out.write(
      `  ${m.merchantId}  ${m.profileName.padEnd(14)} run showed ${c.observedPerHour!.toFixed(1)} < profile ${c.profilePerHour}: used the run's (×${c.factor.toFixed(3)})\n`,
    )
  }
  const kept = models.filter((m) => m.capacity.used === 'profile')
  const unbound = kept.filter((m) => m.capacity.unbound).length
  const unmeasured = kept.filter((m) => m.capacity.observedPerHour === null).length
  out.write(
    `  ${kept.length} merchant(s) at their profile's rate: ${kept.length - unbound - unmeasured} as fast as the profile, ` +
      `${unmeasured} with no backlog to measure, ${unbound} slower but missing no pickup (their pickups trail the fast settle clock, not their shifts)\n`,
  )
}
