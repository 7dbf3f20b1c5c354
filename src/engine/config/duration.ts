import { z } from 'zod'

/**
 * Durations in config files: a number of milliseconds, or a string with a unit — `500ms`, `10s`,
 * `1m`, `2h`, `1d` — as Prometheus and most SRE tools write them.
 */
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim())
  if (m === null) return undefined
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!
  return Number.isFinite(ms) ? Math.round(ms) : undefined
}

/** A zod schema accepting `10s`-style strings or milliseconds, producing milliseconds. */
export function durationMs(min = 0): z.ZodType<number, unknown> {
  return z.union([z.number(), z.string()]).transform((v, ctx) => {
    const ms = typeof v === 'number' ? v : parseDuration(v)
    if (ms === undefined || !Number.isInteger(ms)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration like 500ms, 10s, 1m, 2h or whole milliseconds, got ${JSON.stringify(v)}`,
      })
      return z.NEVER
    }
    if (ms < min) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${min} ms, got ${ms} ms` })
      return z.NEVER
    }
    return ms
  }) as unknown as z.ZodType<number, unknown>
}
