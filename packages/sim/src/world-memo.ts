import { statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Arrivals } from './arrivals.ts'
import type { Scenario } from './scenario.ts'
import { withWorldSkus, worldArrivals } from './world.ts'

/**
 * A grid over a generated world runs every cell on the same world slice: each thread reads the
 * world's SKUs and arrivals once and hands the same (read-only) arrays to its next cells, instead of
 * parsing the world's order file again per cell. Keyed by the world's folder and its manifest's
 * size and time (a regenerated world is read anew) plus what the slice depends on; the last few
 * slices only, as a big world's arrivals weigh tens of MB.
 */
const KEEP = 4
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

/** The cell's scenario with the world's SKUs when it lists none, and its world arrivals (none without a world). */
export async function cellWorld(s: Scenario): Promise<{ scenario: Scenario; arrivals?: Arrivals }> {
  const dir = s.arrivals.world
  if (!dir) return { scenario: s }
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
