import { QueryParamError } from './query-error.js'

/** The single value of `name`, or undefined when absent; given twice, or empty, is a QueryParamError. */
export function singleParam(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name)
  if (all.length > 1) throw new QueryParamError(name, `given ${all.length} times; give it at most once`)
  const value = all[0]
  if (value === '') throw new QueryParamError(name, 'is empty; give a value or leave the parameter out')
  return value
}

/** Every value of the repeatable parameter `name` (possibly none); an empty one is a QueryParamError. */
export function repeatedParam(params: URLSearchParams, name: string): string[] {
  const all = params.getAll(name)
  if (all.some((v) => v === '')) {
    throw new QueryParamError(name, 'has an empty value; give a value or leave the parameter out')
  }
  return all
}

/** The `limit`-like parameter `name`: an integer from 1 to `max`, `fallback` when absent. */
export function parseLimit(params: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = singleParam(params, name)
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw)) throw new QueryParamError(name, `"${raw}" is not a positive integer`)
  const n = Number(raw)
  if (n < 1) throw new QueryParamError(name, 'must be at least 1')
  if (n > max) throw new QueryParamError(name, `${raw} is above the maximum of ${max}`)
  return n
}
