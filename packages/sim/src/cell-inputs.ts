import { statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type Arrivals, buildArrivals } from './arrivals.ts'
import type { Scenario } from './scenario.ts'
import { deriveSeed } from './simulate-io.ts'
import { withWorldSkus, worldArrivals } from './world.ts'

/**
 * A cell's arrivals, shared with the thread's next cells when they are the same. Most grids vary
 * capacity or stock policy, not demand: with common seeding every cell draws the same arrivals
 * (a third of a cell's time) or reads the same world slice (parsing the world's order file). Each
 * thread makes them once and hands the same read-only arrays to its next cells (the engine only
 * reads them). Keyed by exactly what they depend on — for a world, its folder and its manifest's
 * size and time, so a regenerated world is read anew; the last few only (10M orders weigh 100 MB).
 */
const KEEP = 3
const memo = new Map<string, Promise<unknown>>()

function remembered<T>(key: string, read: () => Promise<T>): Promise<T> {
  let hit = memo.get(key) as Promise<T> | undefined
  if (hit) return hit
  hit = read()
  memo.set(key, hit)
  hit.catch(() => memo.delete(key)) // a failed read is retried, not remembered
  while (memo.size > KEEP) memo.delete(memo.keys().next().value as string)
  return hit
}

/** The world's identity, or undefined when its manifest cannot be read (the read then reports why). */
function worldStamp(dir: string): string | undefined {
  try {
    const st = statSync(join(dir, 'manifest.json'))
    return `${resolve(dir)}|${st.size}|${st.mtimeMs}`
  } catch {
    return undefined
  }
}

/**
 * The cell's scenario (with the world's SKUs when it lists none) and its arrivals for `seed` (the
 * cell's seed, as `simulate` gets it): drawn as `simulate` would draw them, or read from the world.
 */
export async function cellInputs(
  s: Scenario,
  seed: number,
): Promise<{ scenario: Scenario; arrivals: Arrivals }> {
  const dir = s.arrivals.world
  if (!dir) {
    // the inputs of buildArrivals, and the seed simulate derives for it
    const drawSeed = deriveSeed(seed >>> 0, 'arrivals')
    const key = JSON.stringify([drawSeed, s.arrivals, s.window, s.calendar, s.skus.map((k) => k.share)])
    return { scenario: s, arrivals: await remembered(`drawn|${key}`, async () => buildArrivals(s, drawSeed)) }
  }
  const stamp = worldStamp(dir)
  if (stamp === undefined) {
    const scenario = await withWorldSkus(s)
    return { scenario, arrivals: await worldArrivals(scenario) }
  }
  const scenario =
    s.skus.length > 0
      ? s
      : {
          ...s,
          skus: (await remembered(`skus|${stamp}|${s.merchantId}`, () => withWorldSkus(s))).skus.map((k) => ({
            ...k,
          })),
        }
  const slice = [
    stamp,
    scenario.merchantId,
    scenario.window.from,
    scenario.window.to,
    ...scenario.skus.map((k) => k.id),
  ]
  const arrivals = await remembered(`arrivals|${JSON.stringify(slice)}`, () => worldArrivals(scenario))
  return { scenario, arrivals }
}
