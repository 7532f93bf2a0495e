import { fork } from 'node:child_process'
import { runScript } from './src/run.ts'
const child = fork('-e', [`const http=require('node:http');const s=http.createServer((q,r)=>{r.end('ok')});s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>process.send(s.address().port))`], { stdio: ['ignore','inherit','inherit','ipc'] })
const port = await new Promise<number>((r) => child.once('message', (p) => r(Number(p))))
const res = await runScript({ script: '/work/main/packages/k6-runner/bench/max-rate.js', env: { TARGET: `http://127.0.0.1:${port}/`, VUS: '50', DURATION: '8s' }, includeSystemEnv: false, stdout: () => {} })
console.log((res.summary!.metrics.http_reqs!.values.count!/8).toFixed(0), 'rps')
child.kill()
