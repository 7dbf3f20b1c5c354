import { QueryParamError } from './query-error.js'

const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
}
const TERM = /^(\d+)?(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/

/**
 * Parses a Go-style duration (`time.ParseDuration`): a sequence of decimal numbers with units
 * `ns`, `us`/`µs`, `ms`, `s`, `m`, `h`, like `250ms`, `1.5s`, `1h30m`; `0` alone too. Negative
 * durations are refused. Returns nanoseconds.
 */
export function parseDuration(value: string, name: string): bigint {
  if (value === '0') return 0n
  let rest = value
  let total = 0n
  do {
    const m = TERM.exec(rest)
    if (m === null || (m[1] === undefined && (m[2] === undefined || m[2] === ''))) {
      throw new QueryParamError(
        name,
        `"${value}" is not a duration: give a number with a unit (ns, us, ms, s, m, h), like 250ms, 1.5s or 1h30m`,
      )
    }
    const unit = UNIT_NS[m[3]!]!
    const frac = m[2] ?? ''
    total +=
      BigInt(m[1] ?? '0') * unit + (frac === '' ? 0n : (BigInt(frac) * unit) / 10n ** BigInt(frac.length))
    rest = rest.slice(m[0].length)
  } while (rest !== '')
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw new QueryParamError(name, `"${value}" is too long`)
  return total
}
