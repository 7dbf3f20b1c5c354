import { QueryParamError } from './query-error.js'

/** A trace id as stored: 32 hex characters, case-insensitive on input, lowercased. */
export function parseTraceId(value: string, name: string): string {
  if (!/^[0-9a-fA-F]{32}$/.test(value)) {
    throw new QueryParamError(name, `"${value}" is not a trace id: expected 32 hexadecimal characters`)
  }
  return value.toLowerCase()
}
