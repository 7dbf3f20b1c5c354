export interface TableColumn {
  readonly header: string
  /** Numbers read best right-aligned. Default: left. */
  readonly align?: 'left' | 'right'
}

/**
 * Renders rows as an aligned plain-text table with a header line, two spaces between columns and
 * no trailing spaces. Missing cells are empty.
 *
 * Example: `formatTable([{ header: 'TOPIC' }, { header: 'LAG', align: 'right' }], [['events', '3']])`
 */
export function formatTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? ''
        const width = widths[i] ?? 0
        return c.align === 'right' ? cell.padStart(width) : cell.padEnd(width)
      })
      .join('  ')
      .trimEnd()
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n') + '\n'
}

/** 1536 → "1.5 KiB". Exact bytes below 1 KiB. */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  if (bytes < 1024) return `${bytes} B`
  let value = bytes
  let unit = 'B'
  for (const next of units) {
    if (value < 1024) break
    value /= 1024
    unit = next
  }
  return `${value.toFixed(1)} ${unit}`
}
