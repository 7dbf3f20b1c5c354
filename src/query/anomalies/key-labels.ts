/**
 * The labels an anomaly's result key stands for, by the job (`source`) that produced it:
 *
 * - `rollups`: the key is the series' label set (names and values alternating, NUL-joined,
 *   core/batch labelsKey), so the labels are the series' own: `{__name__: "cpu", host: "a"}`;
 * - `red`: `service NUL operation` → `{service, operation}`;
 * - `log-counts`: `service NUL severity` → `{service, severity}`;
 * - any other source: no labels.
 *
 * The same decoding exists twice: `keyLabels` for the JSON answer and `keyLabelListSql` for the
 * `match` filter in SQL; `key-labels.test.ts` holds them to each other. As in Prometheus, a label
 * with an empty value is absent, and an absent label reads as "".
 */

const NUL = '\u0000'

/** The sources whose keys are `service NUL <second>`, and that second label's name. */
const SERVICE_KEYS: ReadonlyMap<string, string> = new Map([
  ['red', 'operation'],
  ['log-counts', 'severity'],
])

/** The labels of `key` for `source` (an object; empty for a source without labels). */
export function keyLabels(source: string, key: string): Record<string, string> {
  const entries: [string, string][] = []
  const seen = new Set<string>() // the first pair of a name wins, as in labelValueSql
  const put = (name: string, value: string): void => {
    if (seen.has(name)) return
    seen.add(name)
    if (value !== '') entries.push([name, value])
  }
  const second = SERVICE_KEYS.get(source)
  if (source === 'rollups') {
    const parts = key.split(NUL)
    for (let i = 0; i + 1 < parts.length; i += 2) put(parts[i]!, parts[i + 1]!)
  } else if (second !== undefined) {
    const at = key.indexOf(NUL)
    put('service', at < 0 ? key : key.slice(0, at))
    put(second, at < 0 ? '' : key.slice(at + 1))
  }
  // fromEntries defines own properties, so a label named `__proto__` stays a label.
  return Object.fromEntries(entries)
}

/**
 * SQL over the columns `source` and `key`: the labels as a VARCHAR[] of names and values
 * alternating (what `labelValueSql` reads). Only constant text: nothing user-supplied.
 */
export function keyLabelListSql(): string {
  const first = `CASE WHEN strpos(key, chr(0)) = 0 THEN key ELSE substr(key, 1, strpos(key, chr(0)) - 1) END`
  const rest = `CASE WHEN strpos(key, chr(0)) = 0 THEN '' ELSE substr(key, strpos(key, chr(0)) + 1) END`
  const services = [...SERVICE_KEYS].map(
    ([source, second]) => `WHEN '${source}' THEN ['service', ${first}, '${second}', ${rest}]`,
  )
  return `CASE source WHEN 'rollups' THEN string_split(key, chr(0)) ${services.join(' ')} ELSE []::VARCHAR[] END`
}

/**
 * SQL: the value of the label named by placeholder `name` in the alternating list `list` (the
 * first pair with that name), '' when absent.
 */
export function labelValueSql(list: string, name: string): string {
  return `coalesce(${list}[list_position(list_slice(${list}, 1, len(${list}), 2), ${name}) * 2], '')`
}
