import type { WorldFormat } from './entities.ts'

/**
 * CSV cell: strings as text (quoted when they hold `,`, `"` or a newline), `null` as an empty
 * cell, everything else (numbers, booleans, arrays, objects) as JSON.
 */
function csvCell(v: unknown): string {
  if (v === null || v === undefined) return ''
  const text = typeof v === 'string' ? v : JSON.stringify(v)
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvHeader(columns: readonly string[]): string {
  return `${columns.join(',')}\n`
}

/** One row as an NDJSON or CSV line (with the trailing newline). */
export function serializeRow(row: object, format: WorldFormat): string {
  if (format === 'ndjson') return `${JSON.stringify(row)}\n`
  let line = ''
  let first = true
  for (const v of Object.values(row)) {
    line += first ? csvCell(v) : `,${csvCell(v)}`
    first = false
  }
  return `${line}\n`
}

/** Splits one CSV line into raw cells (RFC 4180 quoting; our cells never span lines). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = []
  let i = 0
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = ''
      i++
      while (i < line.length) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"'
            i += 2
          } else {
            i++
            break
          }
        } else value += line[i++]
      }
      cells.push(value)
      i++ // the comma
    } else {
      const end = line.indexOf(',', i)
      const stop = end < 0 ? line.length : end
      cells.push(line.slice(i, stop))
      i = stop + 1
    }
  }
  return cells
}

/** Inverse of {@link csvCell}: empty → null, JSON values back to values, other text as string. */
export function parseCsvCell(cell: string): unknown {
  if (cell === '') return null
  const c = cell.charCodeAt(0)
  // JSON values start with { [ digit - t f n; strings such as ids, names and dates fail JSON.parse.
  if (c === 123 || c === 91 || c === 45 || (c >= 48 && c <= 57) || cell === 'true' || cell === 'false') {
    try {
      return JSON.parse(cell)
    } catch {
      return cell
    }
  }
  return cell
}
