import { PipelineError } from '../../core/index.js'
import { parseDuration } from '../config/index.js'

/**
 * Where a replay starts or stops in each input partition: the retained start or current end of the
 * log, an event time (the first record whose log timestamp is at or after it, per partition, as
 * Kafka's offsetsForTimes), or one offset for every partition.
 */
export type ReplayBound =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'time'; readonly ms: number }
  | { readonly kind: 'offset'; readonly offset: number }

/**
 * Parses `--from`/`--to`: `earliest`, `latest`, an ISO 8601 time (`2026-12-03T10:00:00Z`), a
 * duration ago (`2h`, `30m`: that long before `nowMs`), or `offset:N`. Throws a PipelineError
 * (`invalid_replay_bound`) that says what is accepted.
 */
export function parseReplayBound(text: string, nowMs: number, flag: string): ReplayBound {
  const t = text.trim()
  if (t === 'earliest' || t === 'latest') return { kind: t }
  const offset = /^offset:(\d+)$/.exec(t)
  if (offset !== null) return { kind: 'offset', offset: Number(offset[1]) }
  if (/^\d+(\.\d+)?(ms|s|m|h|d)$/.test(t)) {
    const ago = parseDuration(t)
    if (ago !== undefined) return { kind: 'time', ms: nowMs - ago }
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
    const ms = Date.parse(t)
    if (Number.isFinite(ms)) return { kind: 'time', ms }
  }
  throw new PipelineError(
    `${flag} ${JSON.stringify(text)}: expected earliest, latest, an ISO time (2026-12-03T10:00:00Z), ` +
      'a duration ago (2h, 30m) or offset:N',
    { code: 'invalid_replay_bound', domain: 'user', retryable: false },
  )
}
