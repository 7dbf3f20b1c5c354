import type { IncomingMessage } from 'node:http'
import { QueryRequestError, readBody } from '../../query/http/index.js'
import { QueryParamError, parseTimestamp } from '../../query/sql/index.js'
import { MatcherError, compileMatcher } from '../label-matcher.js'
import type { LabelMatcher, MatchType } from '../label-matcher.js'
import type { SilenceInput } from '../routing/silences.js'

/** The largest JSON body of the alerting API's writes: 64 KiB. */
export const DEFAULT_ALERT_BODY_BYTES = 64 * 1024
/** Longest `by`, `createdBy`; longest `comment`; most matchers per silence. */
const MAX_NAME_CHARS = 256
const MAX_COMMENT_CHARS = 4096
const MAX_MATCHERS = 64
const NS_PER_MS = 1_000_000n

/**
 * The JSON body of a request: `Content-Type: application/json` (415 otherwise), at most `maxBytes`
 * (413), valid JSON (400). Errors are QueryRequestErrors.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') {
    throw new QueryRequestError(
      415,
      `Content-Type ${type === '' ? '(none)' : type} is not supported: send the body as application/json.`,
    )
  }
  const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase()
  if (encoding !== '' && encoding !== 'identity') {
    throw new QueryRequestError(
      415,
      `Content-Encoding ${encoding} is not supported: send the body uncompressed.`,
    )
  }
  const text = (await readBody(req, maxBytes)).toString('utf8')
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new QueryRequestError(400, `The body is not valid JSON: ${(err as Error).message}.`, { cause: err })
  }
}

/** `POST /api/v1/alerts/{fingerprint}/ack`: `{by, comment?}`. */
export interface AckBody {
  readonly by: string
  readonly comment: string
}

export function parseAckBody(body: unknown): AckBody {
  const o = object(body, 'body')
  return {
    by: text(o, 'by', MAX_NAME_CHARS, true),
    comment: o.comment === undefined ? '' : text(o, 'comment', MAX_COMMENT_CHARS, false),
  }
}

/** `POST /api/v1/silences`: a silence to create, and the one it replaces (`id`, Alertmanager's update). */
export interface SilenceBody {
  readonly replaces?: string
  readonly input: SilenceInput
}

/**
 * Alertmanager v2's `PostableSilence`: `{id?, matchers: [{name, value, isRegex, isEqual?}],
 * startsAt?, endsAt, createdBy, comment}` (`isEqual` defaults to true; times RFC 3339 or unix
 * seconds; `startsAt` defaults to now, and a start in the past is now). Other fields are ignored, so
 * a silence as `GET` answers it can be posted back. Checked as Alertmanager checks a silence, each
 * refusal a QueryParamError naming the field: `matchers[1].value: …`, `endsAt: …`.
 */
export function parseSilenceBody(body: unknown, nowMs: number): SilenceBody {
  const o = object(body, 'body')
  if (!Array.isArray(o.matchers) || o.matchers.length === 0) {
    throw new QueryParamError(
      'matchers',
      'give at least one matcher, like {"name":"service","value":"checkout","isRegex":false}',
    )
  }
  if (o.matchers.length > MAX_MATCHERS) {
    throw new QueryParamError('matchers', `${o.matchers.length} matchers; at most ${MAX_MATCHERS}`)
  }
  const compiled = o.matchers.map((m: unknown, i: number) => matcherOf(m, `matchers[${i}]`))
  if (compiled.every((m) => m.matches(''))) {
    throw new QueryParamError(
      'matchers',
      'every matcher matches the empty string, so the silence would silence every alert; make one match a value',
    )
  }
  const startsAtMs = o.startsAt === undefined ? nowMs : timeOf(o, 'startsAt')
  if (o.endsAt === undefined) throw new QueryParamError('endsAt', 'is missing; give when the silence ends')
  const endsAtMs = timeOf(o, 'endsAt')
  if (!(endsAtMs > startsAtMs)) {
    throw new QueryParamError(
      'endsAt',
      `${JSON.stringify(o.endsAt)} is not after startsAt (${JSON.stringify(o.startsAt ?? 'now')})`,
    )
  }
  if (endsAtMs <= nowMs) throw new QueryParamError('endsAt', `${JSON.stringify(o.endsAt)} is in the past`)
  const replaces = o.id === undefined || o.id === '' ? undefined : text(o, 'id', MAX_NAME_CHARS, true)
  return {
    ...(replaces === undefined ? {} : { replaces }),
    input: {
      matchers: compiled.map((m) => ({ name: m.name, type: m.type, value: m.value })),
      startsAtMs,
      endsAtMs,
      createdBy: text(o, 'createdBy', MAX_NAME_CHARS, true),
      comment: text(o, 'comment', MAX_COMMENT_CHARS, true),
    },
  }
}

function matcherOf(raw: unknown, field: string) {
  const m = object(raw, field)
  const name = text(m, 'name', MAX_NAME_CHARS, true, field)
  const value = text(m, 'value', MAX_COMMENT_CHARS, false, field)
  const isRegex = flag(m, 'isRegex', undefined, field)
  const isEqual = flag(m, 'isEqual', true, field)
  const type: MatchType = isRegex ? (isEqual ? '=~' : '!~') : isEqual ? '=' : '!='
  const matcher: LabelMatcher = { name, type, value }
  try {
    return compileMatcher(matcher)
  } catch (err) {
    if (err instanceof MatcherError) throw new QueryParamError(field, err.message)
    throw err
  }
}

function object(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new QueryParamError(field, 'must be a JSON object')
  }
  return v as Record<string, unknown>
}

/** A string field; `required` also refuses an empty (or blank) one. */
function text(
  o: Record<string, unknown>,
  name: string,
  maxChars: number,
  required: boolean,
  parent?: string,
): string {
  const field = parent === undefined ? name : `${parent}.${name}`
  const v = o[name]
  if (v === undefined && required) throw new QueryParamError(field, 'is missing')
  if (typeof v !== 'string') throw new QueryParamError(field, 'must be a string')
  if (required && v.trim() === '') throw new QueryParamError(field, 'is empty')
  if (v.length > maxChars) throw new QueryParamError(field, `is longer than ${maxChars} characters`)
  return v
}

function flag(
  o: Record<string, unknown>,
  name: string,
  fallback: boolean | undefined,
  parent: string,
): boolean {
  const v = o[name]
  if (v === undefined && fallback !== undefined) return fallback
  if (typeof v !== 'boolean') throw new QueryParamError(`${parent}.${name}`, 'must be true or false')
  return v
}

function timeOf(o: Record<string, unknown>, name: string): number {
  const v = o[name]
  if (typeof v !== 'string') throw new QueryParamError(name, 'must be a time as a string (RFC 3339)')
  return Number(parseTimestamp(v, name) / NS_PER_MS)
}
