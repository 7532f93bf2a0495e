import { readFileSync } from 'node:fs'
import { expandGrid, loadScenario, parseGridFlag, type Scenario } from '../src/scenario.ts'

/** The shipped 000 case: the base of every bench scenario. */
export const phone = loadScenario(new URL('../../../examples/phone-oversell.yaml', import.meta.url).pathname)

/** The bench grid: 27 cells (buffer × picksPerHour × syncLagSeconds) of `cellOrders` orders each. */
export function benchGrid(cellOrders: number, base: Scenario = phone) {
  const cellBase = {
    ...base,
    arrivals: { ...base.arrivals, orders: cellOrders },
    skus: [{ ...base.skus[0]!, stock: cellOrders / 2 }],
  }
  return expandGrid(cellBase, [
    parseGridFlag('oversell.buffer=0,2,5%'),
    parseGridFlag(`warehouse.picksPerHour=${cellOrders / 40},${cellOrders / 20},${cellOrders / 10}`),
    parseGridFlag('oversell.syncLagSeconds=30,60,120'),
  ])
}

/**
 * Busy and stolen CPU of the whole machine so far, in core-milliseconds, from Linux's /proc/stat
 * (undefined elsewhere). Minus this process's own CPU over the same span it is what other
 * processes took.
 */
export function machineCpuMs(): { busy: number; steal: number } | undefined {
  let line: string | undefined
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n')[0]
  } catch {
    return undefined
  }
  const f = line?.split(/\s+/).slice(1).map(Number) ?? []
  if (f.length < 8 || f.some((x) => !Number.isFinite(x))) return undefined
  // user nice system idle iowait irq softirq steal …, in USER_HZ (100 a second on Linux)
  const ms = (i: number) => (f[i] ?? 0) * 10
  return { busy: ms(0) + ms(1) + ms(2) + ms(5) + ms(6), steal: ms(7) }
}
