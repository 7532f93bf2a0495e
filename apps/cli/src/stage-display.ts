import cliProgress from 'cli-progress'

/**
 * Progress of a multi-stage command: one line per stage with its time, and a cli-progress bar while
 * a long stage reports progress. Without a terminal (CI logs) it prints plain lines, and progress at
 * most every 10 %.
 */
export class StageDisplay {
  private readonly started = new Map<string, number>()
  private bar: cliProgress.SingleBar | undefined
  private barStage: string | undefined
  private lastPlainDecile = new Map<string, number>()

  constructor(
    private readonly stages: readonly string[],
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  private get tty(): boolean {
    return Boolean(this.out.isTTY)
  }

  private label(stage: string): string {
    const i = this.stages.indexOf(stage)
    return `[${i + 1}/${this.stages.length}] ${stage.padEnd(7)}`
  }

  private stopBar(): void {
    this.bar?.stop()
    this.bar = undefined
    this.barStage = undefined
  }

  header(text: string): void {
    this.out.write(`${text}\n`)
  }

  note(text: string): void {
    this.stopBar()
    this.out.write(`  ${text}\n`)
  }

  start(stage: string): void {
    this.stopBar()
    this.started.set(stage, Date.now())
    if (!this.tty) this.out.write(`${this.label(stage)} …\n`)
  }

  progress(stage: string, done: number, total: number, detail: string): void {
    if (this.tty) {
      if (this.barStage !== stage) {
        this.stopBar()
        this.bar = new cliProgress.SingleBar(
          {
            format: `${this.label(stage)} {bar} {percentage}% {detail}`,
            stream: this.out,
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        )
        this.bar.start(total, 0, { detail })
        this.barStage = stage
      }
      this.bar?.setTotal(total)
      this.bar?.update(done, { detail })
      return
    }
    const decile = total > 0 ? Math.floor((10 * done) / total) : 0
    if (decile > (this.lastPlainDecile.get(stage) ?? 0)) {
      this.lastPlainDecile.set(stage, decile)
      this.out.write(`${this.label(stage)} ${decile * 10}% ${detail}\n`)
    }
  }

  private elapsed(stage: string): string {
    const t = this.started.get(stage)
    return t === undefined ? '' : `${((Date.now() - t) / 1000).toFixed(1)}s`
  }

  done(stage: string, detail: string): void {
    this.stopBar()
    this.out.write(`${this.label(stage)} ✓ ${this.elapsed(stage).padStart(6)}  ${detail}\n`)
  }

  fail(stage: string, detail: string): void {
    this.stopBar()
    this.out.write(`${this.label(stage)} ✗ ${this.elapsed(stage).padStart(6)}  ${detail}\n`)
  }
}
