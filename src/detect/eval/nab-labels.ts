import { PipelineError } from '../../core/index.js'
import { parseTimestamp } from './metric-csv.js'

/** NAB's `combined_windows.json`: relative file path → windows as [start, end] timestamps. */
export type NabWindows = ReadonlyMap<string, readonly (readonly [number, number])[]>

function labelsError(message: string): PipelineError {
  return new PipelineError(message, { code: 'detect.bad_labels', domain: 'user', retryable: false })
}

export function parseNabWindows(text: string, file: string): NabWindows {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw labelsError(`${file}: not JSON (${(err as Error).message})`)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw labelsError(`${file}: expected an object {"<dir>/<file>.csv": [["start", "end"], ...]}`)
  }
  const out = new Map<string, (readonly [number, number])[]>()
  for (const [name, windows] of Object.entries(json)) {
    if (!Array.isArray(windows)) throw labelsError(`${file}: "${name}" must be a list of [start, end] pairs`)
    out.set(
      name.replace(/\\/g, '/'),
      windows.map((w: unknown, i) => {
        if (!Array.isArray(w) || w.length !== 2 || typeof w[0] !== 'string' || typeof w[1] !== 'string') {
          throw labelsError(`${file}: "${name}" window ${i} must be ["start", "end"]`)
        }
        const start = parseTimestamp(w[0])
        const end = parseTimestamp(w[1])
        if (Number.isNaN(start) || Number.isNaN(end))
          throw labelsError(`${file}: "${name}" window ${i} has a bad timestamp`)
        return [start, end] as const
      }),
    )
  }
  return out
}

/** Windows as inclusive row ranges: each bound is the first row with that timestamp. */
export function windowRows(
  name: string,
  windows: readonly (readonly [number, number])[],
  timeMs: Float64Array,
): [number, number][] {
  const first = new Map<number, number>()
  for (let i = timeMs.length - 1; i >= 0; i--) first.set(timeMs[i]!, i)
  return windows.map(([a, b]) => {
    const l = first.get(a)
    const r = first.get(b)
    if (l === undefined || r === undefined || r < l) {
      throw labelsError(
        `${name}: window [${new Date(a).toISOString()}, ${new Date(b).toISOString()}] does not match the file's timestamps`,
      )
    }
    return [l, r]
  })
}
