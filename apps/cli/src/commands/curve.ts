import type { Command } from 'commander'

/** `d11 curve`: the two-wave traffic curve as k6 stages, per-minute counts, or a chart. */

interface CurveFlags {
  calendar: string
  from?: string
  to?: string
  compress: string
  peakRps: string
  stream: string
  k6?: boolean
  svg?: string
  png?: string
  width: string
  height: string
  params?: string
}

function failInput(message: string): never {
  process.stderr.write(`d11 curve: ${message}\n`)
  process.exit(2)
}

export function register(program: Command): void {
  program
    .command('curve')
    .description(
      'The Double 11 traffic curve (CAL-3): k6 ramping-arrival-rate stages, counts per minute, or a chart.',
    )
    .option('--calendar <id>', 'calendar from @d11/rules: 2020 | 2022 | 2024, e.g. --calendar 2020', '2022')
    .option(
      '--from <time>',
      'window start, Asia/Shanghai unless it has an offset (default: world start), e.g. --from 2022-11-10T23:50',
    )
    .option('--to <time>', 'window end, exclusive (default: world end), e.g. --to 2022-11-11T01:00')
    .option('--stream <name>', 'orders | consultations, e.g. --stream consultations', 'orders')
    .option('--k6', 'print a k6 ramping-arrival-rate scenario as JSON (stages of 10 s)')
    .option('--compress <x>', 'simulated seconds per real second for --k6, e.g. --compress 60', '60')
    .option('--peak-rps <n>', 'arrival rate of the busiest stage for --k6, e.g. --peak-rps 2000', '1000')
    .option(
      '--svg <file>',
      'draw orders and consultations to an SVG (ECharts server-side), e.g. --svg curve.svg',
    )
    .option('--png <file>', 'draw to a PNG (ECharts SVG rasterized by resvg), e.g. --png curve.png')
    .option('--width <px>', 'chart width, e.g. --width 1600', '1200')
    .option('--height <px>', 'chart height, e.g. --height 600', '500')
    .option(
      '--params <file>',
      'curve parameter file (default: packages/curve/curve-params.yaml), e.g. --params my-curve.yaml',
    )
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .addHelpText(
      'after',
      `
Without --k6/--svg/--png it prints expected counts per minute as NDJSON ({"minute","relative"}).
A k6 script reads the --k6 output with JSON.parse(open('stages.json')) and passes executor,
startRate, timeUnit, preAllocatedVUs, maxVUs and stages to options.scenarios.

Examples:
  d11 curve --calendar 2022 --from 2022-11-10T23:50 --to 2022-11-11T01:00 --compress 60 --peak-rps 2000 --k6 > stages.json
  d11 curve --calendar 2022 --from 2022-10-21 --to 2022-11-13 --png curve.png`,
    )
    .action(async (flags: CurveFlags) => {
      const { listCalendars, getCalendar } = await import('@d11/rules/calendar')
      const { parseShanghaiTime, toShanghaiIso } = await import('@d11/time/shanghai')
      const { loadCurveParams, defaultCurveParams, CurveError } = await import('@d11/curve/params')
      const { worldWindow, Curve } = await import('@d11/curve/curve')
      if (!listCalendars().includes(flags.calendar)) {
        failInput(
          `--calendar: unknown calendar "${flags.calendar}" (CAL-2; known: ${listCalendars().join(', ')})`,
        )
      }
      const calendar = getCalendar(flags.calendar)
      let params: ReturnType<typeof defaultCurveParams>
      try {
        params = flags.params ? loadCurveParams(flags.params) : defaultCurveParams()
      } catch (err) {
        failInput(`--params: ${(err as Error).message}`)
      }
      const world = worldWindow(calendar, params)
      const time = (flag: string, text: string | undefined, fallback: number): number => {
        if (text === undefined) return fallback
        const ms = parseShanghaiTime(text)
        if (ms === undefined)
          failInput(`${flag}: "${text}" is not a time like 2022-11-10T23:50 (Asia/Shanghai)`)
        return ms
      }
      const from = time('--from', flags.from, world.from)
      const to = time('--to', flags.to, world.to)
      if (!(to > from)) failInput(`--to: must be after --from (${toShanghaiIso(from)})`)
      const num = (flag: string, text: string): number => {
        const n = Number(text)
        if (!(Number.isFinite(n) && n > 0)) failInput(`${flag}: "${text}" is not a positive number`)
        return n
      }
      const compress = num('--compress', flags.compress)
      const peakRps = num('--peak-rps', flags.peakRps)
      const width = num('--width', flags.width)
      const height = num('--height', flags.height)
      if (flags.stream !== 'orders' && flags.stream !== 'consultations') {
        failInput(`--stream: "${flags.stream}" is not orders or consultations`)
      }
      const stream = flags.stream
      try {
        if (flags.svg || flags.png) {
          const { writeFileSync } = await import('node:fs')
          const { renderCurveSvg, svgToPng } = await import('@d11/curve/chart')
          const svg = await renderCurveSvg({ calendar, from, to, width, height, params })
          if (flags.svg) writeFileSync(flags.svg, svg)
          if (flags.png) writeFileSync(flags.png, await svgToPng(svg))
          process.stderr.write(`wrote ${[flags.svg, flags.png].filter(Boolean).join(' and ')}\n`)
        }
        if (flags.k6) {
          const { k6Stages } = await import('@d11/curve/k6')
          const scenario = k6Stages({ calendar, from, to, compress, peakRps, stream, params })
          process.stdout.write(`${JSON.stringify(scenario, null, 2)}\n`)
        } else if (!flags.svg && !flags.png) {
          const curve = new Curve(calendar, stream, params)
          const w = curve.perMinute(from, to)
          const start = Math.floor(from / 60_000) * 60_000
          const lines: string[] = []
          for (let i = 0; i < w.length; i++) {
            lines.push(
              JSON.stringify({
                minute: toShanghaiIso(start + i * 60_000),
                relative: Math.round(w[i]! * 1e4) / 1e4,
              }),
            )
          }
          process.stdout.write(`${lines.join('\n')}\n`)
        }
      } catch (err) {
        if (err instanceof CurveError) failInput(`--${err.field}: ${err.message}`)
        throw err
      }
    })
}
