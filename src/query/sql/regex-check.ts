import { QueryParamError } from './query-error.js'
import type { ReadFn } from './with-timeout.js'

/** A user-supplied regular expression and the parameter it came from. */
export interface RegexParam {
  readonly param: string
  readonly pattern: string
}

/**
 * Checks that each pattern is a regular expression DuckDB's engine (RE2) accepts, by compiling it
 * there; one that is not is a QueryParamError naming the parameter and RE2's complaint (RE2 has no
 * look-around or backreferences).
 */
export async function checkRegexes(read: ReadFn, regexes: readonly RegexParam[]): Promise<void> {
  for (const { param, pattern } of regexes) {
    try {
      await read("SELECT regexp_matches('', $1)", [pattern])
    } catch (err) {
      const message = String((err as Error | undefined)?.message)
      if (!/^Invalid Input Error/.test(message)) throw err
      const reason = message.replace(/^Invalid Input Error:\s*/, '')
      throw new QueryParamError(param, `"${pattern}" is not a valid RE2 regular expression: ${reason}`)
    }
  }
}
