import { runCells } from './src/grid.ts'
import { expandGrid, loadScenario, parseGridFlag } from './src/scenario.ts'
import { simulate } from './src/engine.ts'
import { rulesJudge } from './src/judge.ts'
const phone = loadScenario('../../examples/phone-oversell.yaml')
const N = 50000
if (process.argv[2] === 'warm') simulate({ ...phone, arrivals: { ...phone.arrivals, orders: 1_000_000 } }, { judge: rulesJudge('2020') })
const cellBase = { ...phone, arrivals: { ...phone.arrivals, orders: N }, skus: [{ ...phone.skus[0]!, stock: N / 2 }] }
const cells = expandGrid(cellBase, [parseGridFlag('oversell.buffer=0,2,5%'), parseGridFlag(`warehouse.picksPerHour=${N / 40},${N / 20},${N / 10}`), parseGridFlag('oversell.syncLagSeconds=30,60,120')])
let t = performance.now()
await runCells(cells, { workers: 0 })
console.log('one', performance.now() - t)
t = performance.now()
const p = runCells(cells, { workers: 2, onCell: (d) => d === 27 && console.log('all 27 received') })
await p
console.log('two', performance.now() - t)
