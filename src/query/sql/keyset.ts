/**
 * The SQL condition "the tuple of `columns` sorts strictly after `placeholders`" in the order `op`
 * (`>` ascending, `<` descending), spelled column by column so that DuckDB can push the first
 * column's bound into the scan:
 * `a >= $1 AND (a > $1 OR (b > $2 OR (b = $2 AND c > $3)))`.
 */
export function keysetCondition(
  columns: readonly string[],
  placeholders: readonly string[],
  op: '<' | '>',
): string {
  if (columns.length === 0 || columns.length !== placeholders.length) {
    throw new Error('keysetCondition: one placeholder per column, at least one column')
  }
  let tail = `${columns.at(-1)!} ${op} ${placeholders.at(-1)!}`
  for (let i = columns.length - 2; i >= 0; i--) {
    tail = `${columns[i]!} ${op} ${placeholders[i]!} OR (${columns[i]!} = ${placeholders[i]!} AND ${tail})`
    if (i > 0) tail = `(${tail})`
  }
  return `${columns[0]!} ${op}= ${placeholders[0]!} AND (${tail})`
}
