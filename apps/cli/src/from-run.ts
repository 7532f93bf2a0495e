import type { BaselineCheck, MerchantModel, ObservedCapacity, RunCellResult } from '@d11/sim/from-run'
import type { GridAxis, GridValue } from '@d11/sim/scenario'
import type { StoredRun } from '@d11/store/from-run'

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

interface GridCell {
  index: number
  id: string
  params: Record<string, GridValue>
  r: RunCellResult
}

type Out = NodeJS.WritableStream

const yuan = (fen: number) =>
  `${fen < 0 ? '-' : ''}¥${(Math.abs(fen) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`

export async function whatIfFromRun(
  runId: string,
  flags: FromRunFlags,
  progress: (total: number) => Promise<Progress>,
): Promise<void> {
  const { openStore } = await import('@d11/store/connection')
  const { readStoredRun } = await import('@d11/store/from-run')
  const { parseGridFlag } = await import('@d11/sim/scenario')
  const sim = await import('@d11/sim/from-run')

  const store = await openStore({ database: flags.db, path: flags.data })
  let stored: StoredRun
  try {
    stored = await readStoredRun(store, runId)
  } finally {
    await store.close()
  }
  const models = await merchantModels(stored)
  const axes: GridAxis[] =
    flags.grid.length > 0 ? flags.grid.map(parseGridFlag) : sim.DEFAULT_FROM_RUN_GRID.map((a) => ({ ...a }))
  // every combination, row-major as expandGrid orders them
  let combos: Array<Record<string, GridValue>> = [{}]
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.path]: v })))
  // a bad axis fails here, before anything is printed (each merchant's cell is checked again as it runs)
  for (const c of combos) if (models[0]) sim.applyCellParams(models[0].scenario, c)

  const out = process.stdout
  const { run, params } = stored
  const population =
    'profile' in params.population ? params.population.profile : `mix ${params.population.mix}`
  out.write(
    `whatif --from-run ${runId} · seed ${run.seed ?? 0} · calendar ${run.calendar} · ${population} · ` +
      `${stored.orders.length.toLocaleString('en-US')} paid orders of ${models.length} merchants · complaint share ${params.complaintShare}\n`,
  )
  writeCapacity(out, models)
  const baseline = sim.simulateRun(models)
  const agrees = writeBaseline(out, sim.compareBaseline(stored.live, baseline))

  const bar = await progress(combos.length)
  const cells = combos.map((params, index): GridCell => {
    const id =
      Object.entries(params)
        .map(([k, v]) => `${k}=${v}`)
        .join(';') || 'base'
    const r = sim.simulateRun(models, params)
    bar.update(index + 1, id)
    return { index, id, params, r }
  })
  bar.stop()
  writeGrid(out, cells, baseline.result.payouts.totalFen, stored.live.payoutFen)
  if (flags.out) {
    const subtitle =
      `live run ${runId}: ${stored.live.late} late pickups, payouts ${yuan(stored.live.payoutFen)}; ` +
      `simulator baseline ${baseline.result.late.total} late, ${yuan(baseline.result.payouts.totalFen)} (${agrees ? 'agrees' : 'disagrees'})`
    out.write(`report: ${await writeReport(flags.out, stored, models.length, axes, cells, subtitle)}\n`)
  }
}

/** One model per merchant with paid orders: its profile as the run drew it, its orders and pickups. */
async function merchantModels(stored: StoredRun): Promise<MerchantModel[]> {
  const { loadProfile } = await import('@d11/merchant-model/profile')
  const { buildPopulation, parseMix } = await import('@d11/merchant-model/population')
  const { merchantModel } = await import('@d11/sim/from-run')
  const { complains } = await import('./buyer-complaints.ts')
  const { run, params } = stored
  const seed = run.seed ?? 0
  const pop = params.population
  const forced = 'profile' in pop ? loadProfile(pop.profile) : undefined
  // the population is drawn over every merchant of the world, as `d11 serve` drew it
  const drawn = 'mix' in pop ? buildPopulation(seed, stored.merchantIds, parseMix(pop.mix)) : undefined
  const setup = {
    seed,
    calendar: run.calendar || '2020',
    settleHours: params.settleHours,
    complained: (orderId: string) => complains(seed, orderId, params.complaintShare),
    // the run's own chase instant; a run whose buyers found nothing late chased about this late
    chaseAt:
      stored.live.firstComplaintAt ??
      Math.max(0, ...stored.orders.map((o) => o.paidAt)) + params.chaseAfterH * 3_600_000,
  }
  const ordersOf = new Map<string, StoredRun['orders']>()
  for (const o of stored.orders) {
    const list = ordersOf.get(o.merchantId)
    if (list) list.push(o)
    else ordersOf.set(o.merchantId, [o])
  }
  return stored.merchantIds
    .filter((id) => ordersOf.has(id))
    .map((id) =>
      merchantModel(
        {
          merchantId: id,
          profile: forced ?? drawn!.byMerchant.get(id)!,
          orders: ordersOf.get(id)!,
          skus: stored.skus.filter((k) => k.merchantId === id),
          pickups: stored.pickups[id] ?? [],
          lateInRun: stored.live.lateByMerchant[id] ?? 0,
        },
        setup,
      ),
    )
}

/**
 * Which warehouse rate each merchant runs at in the simulator: a line per merchant whose run showed
 * a lower rate that bound (it missed pickups), one summary line for the rest.
 */
function writeCapacity(
  out: Out,
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

/** The live figures beside the baseline cell; true when every one agrees. */
function writeBaseline(out: Out, checks: readonly BaselineCheck[]): boolean {
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
  return bad.length === 0
}

/**
 * The cells cheapest first, each with its saving against the baseline cell: both priced by the
 * simulator, so the saving is the setting's, not the engines' difference (the baseline table
 * above says how close that cell is to what the live run paid).
 */
function writeGrid(out: Out, cells: readonly GridCell[], baselineFen: number, liveFen: number): void {
  out.write(
    `\ngrid (${cells.length} cells, cheapest first; saving vs the baseline cell's ${yuan(baselineFen)}, the live run paid ${yuan(liveFen)})\n`,
  )
  const width = Math.max(4, ...cells.map((c) => c.id.length))
  out.write(
    `  ${'cell'.padEnd(width)}  ${'late'.padStart(6)}  ${'oversold'.padStart(8)}  ${'payouts'.padStart(12)}  ${'saving'.padStart(12)}\n`,
  )
  const cost = (c: GridCell) => c.r.result.payouts.totalFen
  for (const c of [...cells].sort((a, b) => cost(a) - cost(b) || a.index - b.index)) {
    out.write(
      `  ${c.id.padEnd(width)}  ${String(c.r.result.late.total).padStart(6)}  ${String(c.r.result.orders.oversold).padStart(8)}  ${yuan(cost(c)).padStart(12)}  ${yuan(baselineFen - cost(c)).padStart(12)}\n`,
    )
  }
  const cheaper = cells.filter((c) => cost(c) < baselineFen).length
  out.write(`${cheaper} of ${cells.length} cells cost less than the baseline cell (the run's settings)\n`)
}

/** The what-if HTML report (`@d11/sim/report`) over the grid; returns its path. */
async function writeReport(
  path: string,
  stored: StoredRun,
  merchants: number,
  axes: GridAxis[],
  cells: readonly GridCell[],
  subtitle: string,
): Promise<string> {
  const { mkdirSync, writeFileSync } = await import('node:fs')
  const { dirname, resolve } = await import('node:path')
  const { whatIfReport } = await import('@d11/sim/report')
  const { runId, seed, calendar } = stored.run
  const file = resolve(path)
  mkdirSync(dirname(file), { recursive: true })
  const html = whatIfReport({
    title: `What-if from run ${runId}`,
    scenario: `from-run ${runId}`,
    axes,
    runs: cells.map((c) => ({
      index: c.index,
      id: c.id,
      params: c.params,
      runId: `${runId}:whatif:${c.index}`,
      seed: seed ?? 0,
      scenario: `from-run-${runId}`,
      calendar: calendar ?? '',
      merchantId: `${merchants} merchants`,
      result: c.r.result,
    })),
    subtitle,
    // the cells are priced here, not stored as runs
    stored: false,
  })
  writeFileSync(file, html)
  return file
}
