/** One table, two renderings: aligned text for the terminal and GitHub markdown for the docs. */
export interface Table {
  readonly header: readonly string[]
  readonly rows: readonly (readonly string[])[]
  /** Columns (by index) to right-align: the numbers. */
  readonly numeric?: readonly number[]
}

export function renderText(table: Table): string {
  const all = [table.header, ...table.rows]
  const widths = table.header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)))
  const line = (row: readonly string[]): string =>
    row
      .map((cell, c) => (table.numeric?.includes(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd()
  return [line(table.header), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line)].join('\n')
}

export function renderMarkdown(table: Table): string {
  const line = (row: readonly string[]): string =>
    `| ${row.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`
  const rule = table.header.map((_, c) => (table.numeric?.includes(c) ? '---:' : '---'))
  return [line(table.header), `| ${rule.join(' | ')} |`, ...table.rows.map(line)].join('\n')
}
