import type { RunFigures } from '@d11/store/analysis'

/**
 * `@d11/report/compare`: regression budgets between two runs — the CI gate behind `d11 compare`.
 * A budget is `<figure><+|-><amount>[%]`: `p99+10%` fails when p99 grew by more than 10 %,
 * `error_rate+0.005` when the error rate grew by more than 0.5 points, `achieved-2%` when the
 * achieved share of the target arrival rate fell by more than 2 %.
 */

export type Figure = keyof RunFigures

/** Figures where larger is worse; the others (`achieved`, `sla_ok`) get worse when they fall. */
export const HIGHER_IS_WORSE: Record<Figure, boolean> = {
  p50: true,
  p95: true,
  p99: true,
  error_rate: true,
  dropped: true,
  payout: true,
  achieved: false,
  sla_ok: false,
}

export const FIGURES = Object.keys(HIGHER_IS_WORSE) as Figure[]

export interface Budget {
  figure: Figure
  /** Allowed worsening: a fraction when `relative`, else in the figure's unit (ms, fen, share). */
  amount: number
  relative: boolean
  /** The budget as written. */
  text: string
}

export class BudgetError extends Error {
  readonly code = 'REPORT_ERR_BUDGET'
}

/** Parses `p99+10%,payout+5%`; throws a `BudgetError` naming the bad entry. */
export function parseBudgets(spec: string): Budget[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((text) => {
      const m = /^([a-z_0-9]+)([+-])(\d+(?:\.\d+)?)(%?)$/.exec(text)
      if (!m) throw new BudgetError(`--fail-on: "${text}" is not <figure><+|-><amount>[%], e.g. p99+10%`)
      const figure = m[1] as Figure
      if (!FIGURES.includes(figure))
        throw new BudgetError(
          `--fail-on: unknown figure "${m[1]}" in "${text}"; use one of ${FIGURES.join(', ')}`,
        )
      const sign = HIGHER_IS_WORSE[figure] ? '+' : '-'
      if (m[2] !== sign)
        throw new BudgetError(
          `--fail-on: "${text}": ${figure} gets worse when it ${sign === '+' ? 'rises' : 'falls'}, write ${figure}${sign}${m[3]}${m[4]}`,
        )
      return { figure, amount: Number(m[3]) / (m[4] ? 100 : 1), relative: m[4] === '%', text }
    })
}

export interface ComparisonRow {
  figure: Figure
  base: number
  run: number
  /** run − base */
  delta: number
  /** delta / base, null when base is 0 */
  change: number | null
  budget?: Budget
  /** true when a budget exists and is exceeded */
  broken: boolean
}

export function compareFigures(base: RunFigures, run: RunFigures, budgets: Budget[]): ComparisonRow[] {
  return FIGURES.map((figure) => {
    const b = base[figure]
    const r = run[figure]
    const budget = budgets.find((x) => x.figure === figure)
    const worsening = HIGHER_IS_WORSE[figure] ? r - b : b - r
    const allowed = budget
      ? budget.relative
        ? Math.abs(b) * budget.amount
        : budget.amount
      : Number.POSITIVE_INFINITY
    // A tiny epsilon keeps identical runs (float noise in merged quantiles) from failing.
    const broken = budget !== undefined && worsening > allowed + 1e-9 * Math.max(1, Math.abs(b))
    const row: ComparisonRow = {
      figure,
      base: b,
      run: r,
      delta: r - b,
      change: b !== 0 ? (r - b) / Math.abs(b) : null,
      broken,
    }
    if (budget) row.budget = budget
    return row
  })
}

function fmt(figure: Figure, v: number): string {
  if (figure === 'payout') return `¥${(v / 100).toFixed(2)}`
  if (figure === 'error_rate' || figure === 'achieved' || figure === 'sla_ok')
    return `${(v * 100).toFixed(2)}%`
  if (figure === 'dropped') return String(Math.round(v))
  return `${v.toFixed(1)} ms`
}

/** The regression table printed by `d11 compare`. */
export function formatComparison(rows: ComparisonRow[], baseId: string, runId: string): string {
  const header = ['figure', baseId, runId, 'change', 'budget', 'status']
  const body = rows.map((r) => [
    r.figure,
    fmt(r.figure, r.base),
    fmt(r.figure, r.run),
    r.change === null
      ? r.delta === 0
        ? '0.0%'
        : 'new'
      : `${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(1)}%`,
    r.budget?.text ?? '',
    r.budget ? (r.broken ? 'FAIL' : 'ok') : '',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n')
}
