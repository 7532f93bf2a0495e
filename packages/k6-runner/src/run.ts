import { setMaxListeners } from 'node:events'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { als, type IterationContext, type ScenarioState, type Vu, wallNow } from './context.ts'
import { EXIT, K6RunnerError, unsupported } from './errors.ts'
import { Http, type HttpHost } from './http.ts'
import { JsonOutput } from './json-output.ts'
import { type Contains, type Metric, type MetricType, Registry, type Tags } from './metrics.ts'
import { callerFile, registerHooks, ScriptInstances } from './modules.ts'
import { arrivalOffsets, parseScenarios, type ScenarioSpec } from './scenarios.ts'
import { buildSummary, Groups, type SummaryData, textSummary } from './summary.ts'
import { evaluateThresholds, parseThresholds, type Threshold } from './thresholds.ts'

export interface RunOptions {
  /** Path of the k6 script (a plain ES module). */
  script: string
  /** Extra `__ENV` entries, like `k6 run -e KEY=VALUE`. @default {} */
  env?: Record<string, string>
  /** Start `__ENV` from the process environment, as k6 does. @default true */
  includeSystemEnv?: boolean
  /** Write every sample to this file in k6's `--out json` format. @default undefined (no file) */
  out?: string
  /** Folder for the files `handleSummary` names. @default process.cwd() */
  cwd?: string
  /**
   * Cap on pooled connections per origin, shared by all VUs. k6 gives each VU its own connections;
   * a cap makes requests queue for a connection (counted as `http_req_blocked`, outside
   * `http_req_duration`, as in k6). @default undefined (no cap)
   */
  connectionsPerHost?: number
  /** Receives stdout text (summary). @default process.stdout.write */
  stdout?: (text: string) => void
  /** Receives stderr text (warnings, iteration errors). @default process.stderr.write */
  stderr?: (text: string) => void
}

export interface RunResult {
  /** k6's exit code: 0, 99 thresholds failed, 104 invalid config, 107 script error, 108 aborted */
  exitCode: number
  /** `undefined` when the run never started (invalid script or options) */
  summary: SummaryData | undefined
  error?: string
}

const RUNTIME_KEY = Symbol.for('@d11/k6-runner/runtime')
const LATENCY_METRIC = 'd11_iteration_latency_from_schedule'
/** `options` keys the runner acts on, or that change nothing on one machine (timeouts, reporting). */
const HANDLED_OPTIONS = new Set([
  'scenarios',
  'thresholds',
  'tags',
  'vus',
  'duration',
  'iterations',
  'stages',
  'summaryTrendStats',
  'summaryTimeUnit',
  'userAgent',
  'discardResponseBodies',
  'setupTimeout',
  'teardownTimeout',
  'noUsageReport',
  'ext',
  'cloud',
])

type Phase = 'init' | 'setup' | 'run' | 'teardown' | 'done'
type IterationFn = (data: unknown) => unknown
type Exports = Record<string, unknown>

class Run implements HttpHost {
  readonly registry = new Registry()
  readonly groups = new Groups()
  private state: Phase = 'init'
  private baseEnv: Record<string, string>
  private optionTags: Tags = {}
  private thresholds: Threshold[] = []
  private scenarios: ScenarioState[] = []
  private controllers: AbortController[] = []
  private vuCount = 0
  private active = 0
  private iterationsCompleted = 0
  private iterationsInterrupted = 0
  private startPerf = 0
  private setupData: unknown
  private warnedVus = new Set<string>()
  private errorsLogged = 0
  private readonly shared = new Map<string, readonly unknown[]>()
  stopCode = 0
  stopReason = ''
  private readonly setupVu: Vu = {
    idInTest: 0,
    idInInstance: 0,
    iterationInInstance: 0,
    iterationInScenario: 0,
    tags: {},
    busy: false,
    exports: {},
  }
  private readonly instances: ScriptInstances
  private readonly m = this.builtins()
  readonly http: Http

  constructor(
    private readonly opts: RunOptions,
    readonly scriptPath: string,
  ) {
    this.baseEnv = {
      ...(opts.includeSystemEnv === false ? {} : (process.env as Record<string, string>)),
      ...opts.env,
    }
    this.http = new Http(this, opts.connectionsPerHost)
    this.runtime.http = this.http
    this.instances = new ScriptInstances(scriptPath)
  }

  private builtins(): Record<string, Metric> {
    const builtins: Array<[string, MetricType, Contains?]> = [
      ['vus', 'gauge'],
      ['vus_max', 'gauge'],
      ['iterations', 'counter'],
      ['iteration_duration', 'trend', 'time'],
      ['dropped_iterations', 'counter'],
      ['checks', 'rate'],
      ['group_duration', 'trend', 'time'],
      ['data_sent', 'counter', 'data'],
      ['data_received', 'counter', 'data'],
      ['http_reqs', 'counter'],
      ['http_req_duration', 'trend', 'time'],
      ['http_req_blocked', 'trend', 'time'],
      ['http_req_connecting', 'trend', 'time'],
      ['http_req_tls_handshaking', 'trend', 'time'],
      ['http_req_sending', 'trend', 'time'],
      ['http_req_waiting', 'trend', 'time'],
      ['http_req_receiving', 'trend', 'time'],
      ['http_req_failed', 'rate'],
      [LATENCY_METRIC, 'trend', 'time'],
    ]
    return Object.fromEntries(builtins.map(([n, t, c]) => [n, this.registry.get(n, t, c)])) as Record<
      string,
      Metric
    >
  }

  // ---- HttpHost ----
  /** 'init' while any instance of the script evaluates its top level (a VU may start mid-run). */
  phase(): Phase {
    return als.getStore()?.init ? 'init' : this.state
  }
  metric(name: string): Metric {
    return this.m[name] ?? this.registry.metrics.get(name)!
  }
  baseTags(): Tags {
    const ctx = als.getStore()
    if (!ctx) return { ...this.optionTags, group: '' }
    const tags: Tags = ctx.scenario ? { ...ctx.scenario.tags } : { ...this.optionTags }
    tags.group = ctx.group
    for (const k in ctx.vu.tags) tags[k] = ctx.vu.tags[k]!
    return tags
  }
  sample(metric: Metric, value: number, tags: Tags, wallMs: number): void {
    if (this.state === 'done') return
    this.registry.sample(metric, value, tags, wallMs)
  }

  private ctx(api: string): IterationContext {
    const ctx = als.getStore()
    if (!ctx || ctx.init) {
      throw new K6RunnerError(
        'K6R_INIT_CONTEXT',
        `${api} is only available inside setup(), an iteration or teardown()`,
      )
    }
    return ctx
  }

  private initOnly(api: string): void {
    if (this.phase() !== 'init') {
      throw new K6RunnerError(
        'K6R_INIT_CONTEXT',
        `${api} can only be called in the init context (the script's top level)`,
      )
    }
  }

  // ---- the runtime the shims call ----
  readonly runtime = {
    k6: {
      check: (value: unknown, sets: Record<string, unknown>, tags?: Record<string, unknown>) => {
        const ctx = this.ctx('check()')
        let all = true
        for (const [name, pred] of Object.entries(sets ?? {})) {
          const result = typeof pred === 'function' ? (pred as (v: unknown) => unknown)(value) : pred
          if (result instanceof Promise)
            unsupported('check() with an async predicate', 'await the value before check()')
          const ok = Boolean(result)
          all &&= ok
          const t = this.baseTags()
          if (tags) for (const k in tags) t[k] = String(tags[k])
          t.check = name
          this.sample(this.m.checks!, ok ? 1 : 0, t, wallNow())
          this.groups.check(ctx.group, name, ok)
        }
        return all
      },
      fail: (message?: string): never => {
        throw new Error(message ?? '')
      },
      group: (name: string, fn: () => unknown) => {
        const ctx = this.ctx('group()')
        if (name.includes('::'))
          throw new K6RunnerError('K6R_INVALID_ARGUMENT', `group name '${name}' must not contain '::'`)
        const inner = { ...ctx, group: `${ctx.group}::${name}` }
        this.groups.group(inner.group)
        const t0 = performance.now()
        const done = () => {
          const tags = { ...this.baseTags(), group: inner.group }
          this.sample(this.m.group_duration!, performance.now() - t0, tags, wallNow())
        }
        const result = als.run(inner, fn)
        if (result instanceof Promise) {
          // k6 (>= 0.43) refuses async functions in group() too: its group would end at the first await
          unsupported(
            'group() with an async function',
            'await the requests outside group() or tag them with params.tags',
          )
        }
        als.run(inner, done)
        return result
      },
      sleep: (seconds: number) => {
        if (seconds === 0) return
        unsupported(
          'k6.sleep()',
          'it blocks the VU and every VU here shares one event loop; pace iterations with an arrival-rate executor instead',
        )
      },
      randomSeed: () =>
        unsupported('k6.randomSeed()', 'derive values from exec.scenario.iterationInTest instead'),
    },
    http: undefined as unknown as Http,
    metrics: {
      create: (type: MetricType, name: string, isTime?: boolean) => {
        this.initOnly(`new ${type[0]!.toUpperCase()}${type.slice(1)}('${name}')`)
        const metric = this.registry.get(name, type, isTime ? 'time' : 'default')
        return {
          name,
          add: (value: number | boolean, tags?: Record<string, unknown>) => {
            if (this.phase() === 'init')
              throw new K6RunnerError('K6R_INIT_CONTEXT', `${name}.add() is not allowed in the init context`)
            const t = this.baseTags()
            if (tags) for (const k in tags) t[k] = String(tags[k])
            const v = Number(value)
            if (Number.isNaN(v))
              throw new K6RunnerError('K6R_INVALID_ARGUMENT', `${name}.add(): value must be a number`)
            this.sample(metric, v, t, wallNow())
            return true
          },
        }
      },
    },
    data: {
      sharedArray: (name: string, fn: () => unknown[]) => {
        this.initOnly(`new SharedArray('${name}')`)
        // like k6, one name is filled once: a second SharedArray of that name gets the same rows
        const cached = this.shared.get(name)
        if (cached) return cached
        const value = fn()
        if (!Array.isArray(value)) {
          throw new K6RunnerError(
            'K6R_INVALID_ARGUMENT',
            `SharedArray '${name}': the callback must return an array`,
          )
        }
        const rows = Object.freeze(value.map((v) => Object.freeze(v)))
        this.shared.set(name, rows)
        return rows
      },
    },
    /** replaced by buildExecution() */
    execution: {} as Record<string, unknown>,
  }

  private buildExecution(): void {
    const run = this
    const scenario = () => {
      const ctx = run.ctx('exec.scenario')
      const sc = ctx.scenario
      if (!sc)
        throw new K6RunnerError('K6R_INIT_CONTEXT', 'exec.scenario is not available in setup() or teardown()')
      return sc
    }
    const ex = {
      get scenario() {
        const sc = scenario()
        const ctx = als.getStore()!
        return {
          name: sc.name,
          executor: sc.executor,
          startTime: sc.startTime,
          progress: sc.durationMs > 0 ? Math.min(1, (performance.now() - sc.startPerf) / sc.durationMs) : 0,
          iterationInInstance: ctx.iterationInScenario,
          iterationInTest: ctx.iterationInScenario,
        }
      },
      get vu() {
        const ctx = run.ctx('exec.vu')
        const vu = ctx.vu
        return {
          idInInstance: vu.idInInstance,
          idInTest: vu.idInTest,
          iterationInInstance: vu.iterationInInstance,
          iterationInScenario: vu.iterationInScenario,
          tags: vu.tags,
          metrics: { tags: vu.tags, metadata: {} },
        }
      },
      get instance() {
        return {
          iterationsCompleted: run.iterationsCompleted,
          iterationsInterrupted: run.iterationsInterrupted,
          vusActive: run.active,
          vusInitialized: run.vuCount,
          currentTestRunDuration: run.startPerf ? performance.now() - run.startPerf : 0,
        }
      },
      get test() {
        return {
          abort: (message?: string) => {
            run.stop(
              EXIT.scriptAborted,
              `test aborted by exec.test.abort(${message ? JSON.stringify(message) : ''})`,
            )
            throw new K6RunnerError('K6R_ABORTED', message ?? 'test aborted')
          },
          options: run.options,
        }
      },
    }
    this.runtime.execution = ex as unknown as Record<string, unknown>
  }

  options: Record<string, unknown> = {}

  private installGlobals(): void {
    const g = globalThis as Record<string, unknown>
    Object.defineProperty(g, '__ENV', { configurable: true, get: () => als.getStore()?.env ?? this.baseEnv })
    Object.defineProperty(g, '__VU', { configurable: true, get: () => als.getStore()?.vu.idInTest ?? 0 })
    Object.defineProperty(g, '__ITER', {
      configurable: true,
      get: () => als.getStore()?.vu.iterationInScenario ?? 0,
    })
    g.open = (path: string, mode?: string) => {
      this.initOnly('open()')
      const file = resolve(dirname(callerFile() ?? this.scriptPath), path)
      const buf = readFileSync(file)
      return mode === 'b'
        ? buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)
        : buf.toString('utf8')
    }
    ;(globalThis as Record<symbol, unknown>)[RUNTIME_KEY] = this.runtime
  }

  uninstall(): void {
    const g = globalThis as Record<string | symbol, unknown>
    for (const k of ['__ENV', '__VU', '__ITER', 'open']) delete g[k]
    delete g[RUNTIME_KEY]
  }

  /** A new VU with its own instance of the script (k6's per-VU init context; `__VU` is its id). */
  private async newVu(): Promise<Vu> {
    const id = ++this.vuCount
    const vu: Vu = {
      idInTest: id,
      idInInstance: id,
      iterationInInstance: 0,
      iterationInScenario: 0,
      tags: {},
      busy: false,
      exports: {},
    }
    vu.exports = await als.run(this.initContext(vu), () => this.instances.load(id))
    return vu
  }

  private initContext(vu: Vu): IterationContext {
    return { vu, scenario: undefined, iterationInScenario: 0, group: '', env: this.baseEnv, init: true }
  }

  /** The VUs a scenario starts with, initialised before setup() as k6 does. */
  private async initialVus(spec: ScenarioSpec): Promise<Vu[]> {
    const count = spec.executor.endsWith('arrival-rate') ? spec.preAllocatedVUs : spec.vus
    const vus: Vu[] = []
    for (let i = 0; i < count; i++) vus.push(await this.newVu())
    return vus
  }

  private log(text: string): void {
    ;(this.opts.stderr ?? ((t) => process.stderr.write(t)))(text)
  }

  /** Stops every scenario now (abortOnFail, exec.test.abort, fatal script errors). */
  stop(code: number, reason: string): void {
    if (this.stopCode) return
    this.stopCode = code
    this.stopReason = reason
    for (const c of this.controllers) c.abort(new K6RunnerError('K6R_ABORTED', reason))
  }

  /** Runs one iteration of the VU's `exec` function; returns a promise only when it is async. */
  private iterate(
    sc: ScenarioState,
    vu: Vu,
    exec: string,
    scheduledPerf?: number,
  ): Promise<void> | undefined {
    const fn = vu.exports[exec] as IterationFn
    const ctx: IterationContext = {
      vu,
      scenario: sc,
      iterationInScenario: sc.iterations++,
      group: '',
      env: sc.env,
    }
    vu.busy = true
    this.active++
    const t0 = performance.now()
    let result: unknown
    try {
      result = als.run(ctx, fn, this.setupData)
    } catch (err) {
      this.endIteration(sc, vu, t0, scheduledPerf, err)
      return undefined
    }
    if (result instanceof Promise) {
      return result.then(
        () => this.endIteration(sc, vu, t0, scheduledPerf, undefined),
        (err) => this.endIteration(sc, vu, t0, scheduledPerf, err),
      )
    }
    this.endIteration(sc, vu, t0, scheduledPerf, undefined)
    return undefined
  }

  private endIteration(
    sc: ScenarioState,
    vu: Vu,
    t0: number,
    scheduledPerf: number | undefined,
    err: unknown,
  ): void {
    vu.busy = false
    this.active--
    vu.iterationInScenario++
    vu.iterationInInstance++
    if (sc.signal.aborted) {
      this.iterationsInterrupted++
      return
    }
    if (err !== undefined) {
      if (err instanceof K6RunnerError && err.code !== 'K6R_ABORTED') {
        this.stop(EXIT.scriptException, err.message)
        return
      }
      if (!(err instanceof K6RunnerError) && this.errorsLogged++ < 10) {
        this.log(`ERRO[${sc.name}] Uncaught (in promise) ${(err as Error)?.stack ?? String(err)}\n`)
      }
    }
    this.iterationsCompleted++
    const end = performance.now()
    const wall = wallNow()
    const tags: Tags = { ...sc.tags, group: '' }
    for (const k in vu.tags) tags[k] = vu.tags[k]!
    this.registry.sample(this.m.iterations!, 1, tags, wall)
    this.registry.sample(this.m.iteration_duration!, end - t0, tags, wall)
    if (scheduledPerf !== undefined)
      this.registry.sample(this.m[LATENCY_METRIC]!, end - scheduledPerf, tags, wall)
  }

  private scenarioState(spec: ScenarioSpec, controller: AbortController): ScenarioState {
    return {
      name: spec.name,
      executor: spec.executor,
      startTime: wallNow(),
      startPerf: performance.now(),
      durationMs: spec.durationMs,
      iterations: 0,
      tags: { ...this.optionTags, ...spec.tags, scenario: spec.name },
      env: { ...this.baseEnv, ...spec.env },
      signal: controller.signal,
    }
  }

  /** Waits for `pending` or until `ms` pass, whichever first; then aborts the scenario. */
  private async graceful(pending: Promise<unknown>, ms: number, controller: AbortController): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([pending, new Promise<void>((r) => (timer = setTimeout(r, ms)))])
    clearTimeout(timer)
    controller.abort(new K6RunnerError('K6R_ABORTED', 'gracefulStop elapsed'))
  }

  private runArrival(
    spec: ScenarioSpec,
    sc: ScenarioState,
    vus: Vu[],
    controller: AbortController,
  ): Promise<void> {
    const free: Vu[] = [...vus]
    let owned = vus.length
    let inflight = 0
    let drained: (() => void) | undefined
    const release = (vu: Vu) => {
      free.push(vu)
      inflight--
      if (inflight === 0) drained?.()
    }
    const start = (vu: Vu, scheduled: number) => {
      const p = this.iterate(sc, vu, spec.exec, scheduled)
      if (p) p.then(() => release(vu))
      else release(vu)
    }
    const dispatch = (scheduled: number) => {
      const vu = free.pop()
      if (!vu) {
        if (owned < spec.maxVUs) {
          // k6 initialises the VU in the background and drops this iteration; here the iteration
          // waits for its new VU, and the wait shows in the latency from the schedule
          owned++
          inflight++
          this.newVu().then(
            (fresh) => (controller.signal.aborted ? release(fresh) : start(fresh, scheduled)),
            (err) => {
              if (--inflight === 0) drained?.()
              this.stop(EXIT.scriptException, `a VU failed to initialise: ${(err as Error).message}`)
            },
          )
        } else {
          this.registry.sample(this.m.dropped_iterations!, 1, { ...sc.tags }, wallNow())
          if (!this.warnedVus.has(sc.name)) {
            this.warnedVus.add(sc.name)
            this.log(
              `WARN[${sc.name}] Insufficient VUs, reached ${spec.maxVUs} active VUs and cannot initialize more\n`,
            )
          }
        }
        return
      }
      inflight++
      start(vu, scheduled)
    }
    const offsets = arrivalOffsets(spec.stages)
    let next = offsets.next()
    return new Promise<void>((done) => {
      const finish = () => {
        const pending = inflight === 0 ? Promise.resolve() : new Promise<void>((r) => (drained = r))
        this.graceful(pending, spec.gracefulStopMs, controller).then(done)
      }
      const tick = () => {
        if (controller.signal.aborted) return finish()
        const now = performance.now() - sc.startPerf
        while (!next.done && next.value <= now) {
          dispatch(sc.startPerf + next.value)
          next = offsets.next()
        }
        if (next.done) {
          const rest = spec.durationMs - (performance.now() - sc.startPerf)
          if (rest > 0) setTimeout(finish, rest)
          else finish()
          return
        }
        setTimeout(tick, Math.max(0, next.value - (performance.now() - sc.startPerf)))
      }
      tick()
    })
  }

  private async runLoops(
    spec: ScenarioSpec,
    sc: ScenarioState,
    vus: Vu[],
    controller: AbortController,
  ): Promise<void> {
    const end = sc.startPerf + spec.durationMs
    const perVu = spec.executor === 'per-vu-iterations' ? spec.iterations : Number.POSITIVE_INFINITY
    const loop = async (vu: Vu) => {
      for (let i = 0; i < perVu && performance.now() < end && !controller.signal.aborted; i++) {
        const p = this.iterate(sc, vu, spec.exec)
        if (p) await p
        else await new Promise((r) => setImmediate(r))
      }
    }
    const all = Promise.all(vus.map(loop))
    let timer: NodeJS.Timeout | undefined
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), spec.durationMs))),
    ])
    clearTimeout(timer)
    if (timedOut) await this.graceful(all, spec.gracefulStopMs, controller)
  }

  private async runScenario(spec: ScenarioSpec, vus: Vu[]): Promise<void> {
    const controller = new AbortController()
    // every in-flight request listens on the scenario's signal
    setMaxListeners(0, controller.signal)
    this.controllers.push(controller)
    if (this.stopCode) return
    if (spec.startTimeMs > 0) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, spec.startTimeMs)
        controller.signal.addEventListener('abort', () => {
          clearTimeout(t)
          r()
        })
      })
      if (controller.signal.aborted) return
    }
    const sc = this.scenarioState(spec, controller)
    this.scenarios.push(sc)
    if (spec.executor.endsWith('arrival-rate')) await this.runArrival(spec, sc, vus, controller)
    else await this.runLoops(spec, sc, vus, controller)
  }

  private inPhase<T>(phase: Phase, group: string, fn: () => T): T {
    this.state = phase
    const ctx: IterationContext = {
      vu: this.setupVu,
      scenario: undefined,
      iterationInScenario: 0,
      group,
      env: this.baseEnv,
    }
    return als.run(ctx, fn)
  }

  async execute(): Promise<RunResult> {
    registerHooks()
    this.buildExecution()
    this.installGlobals()
    // instance 0: the init pass that yields options and runs setup/teardown/handleSummary
    const mod: Exports = await als.run(this.initContext(this.setupVu), () => this.instances.load(0))
    this.options = (mod.options as Record<string, unknown>) ?? {}
    this.optionTags = Object.fromEntries(
      Object.entries((this.options.tags as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]),
    )
    this.applyHttpOptions()
    const specs = parseScenarios(this.options)
    for (const s of specs) {
      if (typeof mod[s.exec] !== 'function') {
        throw new K6RunnerError(
          'K6R_INVALID_CONFIG',
          `options.scenarios.${s.name}.exec: the script exports no function '${s.exec}'`,
        )
      }
    }
    this.thresholds = parseThresholds(this.registry, this.options.thresholds)
    const trendStats = (this.options.summaryTrendStats as string[] | undefined) ?? [
      'avg',
      'min',
      'med',
      'max',
      'p(90)',
      'p(95)',
    ]
    if (this.opts.out) {
      const byMetric = (name: string) =>
        this.thresholds.filter((t) => t.metricKey.split('{')[0]!.trim() === name).map((t) => t.source)
      this.registry.output = new JsonOutput(resolve(this.opts.cwd ?? process.cwd(), this.opts.out), byMetric)
    }

    const vusByScenario: Vu[][] = []
    for (const spec of specs) vusByScenario.push(await this.initialVus(spec))

    this.startPerf = performance.now()
    const elapsed = () => performance.now() - this.startPerf
    let exitCode: number = EXIT.ok
    let error: string | undefined
    const setup = mod.setup as IterationFn | undefined
    try {
      if (setup)
        this.setupData = JSON.parse(
          JSON.stringify((await this.inPhase('setup', '::setup', () => setup(undefined))) ?? null),
        )
    } catch (err) {
      error = `setup() failed: ${(err as Error)?.message ?? String(err)}`
      exitCode = EXIT.scriptException
    }

    if (exitCode === EXIT.ok) {
      this.state = 'run'
      const ticker = setInterval(() => {
        const wall = wallNow()
        this.registry.sample(this.m.vus!, this.active, { ...this.optionTags }, wall)
        this.registry.sample(this.m.vus_max!, this.vuCount, { ...this.optionTags }, wall)
        const now = elapsed()
        const aborting = this.thresholds.filter((t) => t.abortOnFail && now >= t.delayAbortEvalMs)
        if (aborting.length && !evaluateThresholds(aborting, now)) {
          const failed = aborting.filter((t) => !t.ok).map((t) => `${t.metricKey}: ${t.source}`)
          this.stop(EXIT.thresholds, `thresholds with abortOnFail crossed: ${failed.join('; ')}`)
        }
      }, 1000)
      await Promise.all(specs.map((s, i) => this.runScenario(s, vusByScenario[i]!)))
      clearInterval(ticker)
      const teardown = mod.teardown as IterationFn | undefined
      try {
        if (teardown && this.stopCode !== EXIT.scriptException)
          await this.inPhase('teardown', '::teardown', () => teardown(this.setupData))
      } catch (err) {
        error = `teardown() failed: ${(err as Error)?.message ?? String(err)}`
        exitCode = EXIT.scriptException
      }
    }

    const durationMs = elapsed()
    const passed = evaluateThresholds(this.thresholds, durationMs)
    this.state = 'done'
    await (this.registry.output as JsonOutput | undefined)?.close()
    await this.http.close()
    if (this.stopCode) {
      exitCode = this.stopCode
      error = this.stopReason
    } else if (exitCode === EXIT.ok && !passed) {
      exitCode = EXIT.thresholds
      error = `thresholds crossed: ${this.thresholds
        .filter((t) => !t.ok)
        .map((t) => `${t.metricKey}: ${t.source}`)
        .join('; ')}`
    }
    const summary = buildSummary(
      this.registry,
      this.thresholds,
      this.groups,
      trendStats,
      durationMs,
      this.setupData,
    )
    await this.emitSummary(mod.handleSummary as ((d: SummaryData) => unknown) | undefined, summary)
    if (error) this.log(`ERRO ${error}\n`)
    return error === undefined ? { exitCode, summary } : { exitCode, summary, error }
  }

  /** Options that shape HTTP; any option the runner does not act on is named in a warning. */
  private applyHttpOptions(): void {
    const o = this.options
    if (typeof o.userAgent === 'string') this.http.userAgent = o.userAgent
    if (o.discardResponseBodies === true) this.http.defaultResponseType = 'none'
    const ignored = Object.keys(o).filter((k) => !HANDLED_OPTIONS.has(k))
    if (ignored.length) {
      this.log(`WARN options ${ignored.map((k) => `'${k}'`).join(', ')} are ignored by the built-in runner\n`)
    }
  }

  private async emitSummary(
    handle: ((d: SummaryData) => unknown) | undefined,
    summary: SummaryData,
  ): Promise<void> {
    const stdout = this.opts.stdout ?? ((t: string) => process.stdout.write(t))
    let outputs: Record<string, unknown> = { stdout: textSummary(summary) }
    if (handle) {
      try {
        outputs = ((await handle(summary)) as Record<string, unknown>) ?? {}
      } catch (err) {
        this.log(
          `ERRO handleSummary() failed: ${(err as Error)?.message ?? String(err)}; printing the default summary\n`,
        )
      }
    }
    for (const [target, content] of Object.entries(outputs)) {
      const text =
        typeof content === 'string'
          ? content
          : content instanceof ArrayBuffer
            ? Buffer.from(content)
            : JSON.stringify(content)
      if (target === 'stdout') stdout(String(text))
      else if (target === 'stderr') this.log(String(text))
      else {
        const file = resolve(this.opts.cwd ?? process.cwd(), target)
        mkdirSync(dirname(file), { recursive: true })
        writeFileSync(file, text)
      }
    }
  }
}

let running = false

/**
 * Runs a k6 script on Node: init, setup(), the scenarios of `options`, teardown(), thresholds and
 * handleSummary, like `k6 run`. One run at a time per process.
 */
export async function runScript(opts: RunOptions): Promise<RunResult> {
  if (running)
    throw new K6RunnerError('K6R_BUSY', 'another run is in progress in this process; runs are one at a time')
  running = true
  const run = new Run(opts, resolve(opts.script))
  try {
    return await run.execute()
  } catch (err) {
    const e = err as Error
    const code =
      err instanceof K6RunnerError && /CONFIG|THRESHOLD|DURATION|METRIC/.test(err.code)
        ? EXIT.invalidConfig
        : EXIT.scriptException
    const message = e?.message ?? String(err)
    ;(opts.stderr ?? ((t) => process.stderr.write(t)))(`ERRO ${message}\n`)
    await run.http.close().catch(() => {})
    return { exitCode: code, summary: undefined, error: message }
  } finally {
    run.uninstall()
    running = false
  }
}
