import type { IncomingMessage } from 'node:http'
import type { Logger } from 'pino'
import type { HttpMethod, PathParams, Route } from '../../api/index.js'
import type { Authenticator, Scope } from '../../auth/index.js'
import { errorCode } from '../../core/index.js'
import { authorizeQuery, promErrorOf, sendPromError, sendPromSuccess } from '../../query/http/index.js'
import type { PromError } from '../../query/http/index.js'

/** What a handler of the alerting API answers: `data` for `{"status":"success","data":…}`, or an error. */
export type AlertApiAnswer = { readonly data: unknown } | PromError

/** The request as a handler sees it, after authentication. */
export interface AlertApiRequest {
  readonly req: IncomingMessage
  /** The caller's tenant: everything the handler reads or changes is this tenant's. */
  readonly tenant: string
  readonly params: PathParams
  /** The URL's query parameters. */
  readonly query: URLSearchParams
}

/** How the alerting core's refusals are answered (its user errors say what is wrong). */
const CODE_ANSWERS: Readonly<Record<string, Pick<PromError, 'status' | 'errorType'>>> = {
  ALERT_SILENCE_INVALID: { status: 400, errorType: 'bad_data' },
  ALERT_MATCHER: { status: 400, errorType: 'bad_data' },
  ALERT_SILENCE_NOT_FOUND: { status: 404, errorType: 'not_found' },
  ALERT_SILENCE_LIMIT: { status: 422, errorType: 'execution' },
}

/**
 * One endpoint of the alerting API: authenticate with `scope` (the caller's tenant), run `handle`,
 * answer in the query API's shape. Thrown errors are answered as the query routes answer them
 * (QueryParamError 400 `bad_data`, QueryRequestError its status, QueryTimeoutError 503 `timeout`),
 * the alerting core's user errors by their code (`CODE_ANSWERS`), anything else 500 `internal`,
 * logged with the tenant.
 */
export function alertApiRoute(
  deps: { readonly auth: Authenticator; readonly logger: Logger },
  method: HttpMethod,
  path: string,
  scope: Scope,
  handle: (r: AlertApiRequest) => AlertApiAnswer | Promise<AlertApiAnswer>,
): Route {
  return {
    method,
    path,
    handle: async (req, res, params) => {
      const principal = authorizeQuery(deps.auth, req, res, scope)
      if (principal === undefined) return
      const raw = req.url ?? '/'
      const at = raw.indexOf('?')
      const query = new URLSearchParams(at === -1 ? '' : raw.slice(at + 1))
      let answer: AlertApiAnswer
      try {
        answer = await handle({ req, tenant: principal.tenant, params, query })
      } catch (err) {
        answer = knownError(err) ?? internal(deps.logger, err, method, path, principal.tenant)
      }
      if ('data' in answer) sendPromSuccess(res, JSON.stringify(answer.data))
      else sendPromError(res, answer.status, answer.errorType, answer.message)
    },
  }
}

/** A 404 `not_found` answer. */
export function notFound(message: string): PromError {
  return { status: 404, errorType: 'not_found', message }
}

function knownError(err: unknown): PromError | undefined {
  const known = promErrorOf(err)
  if (known !== undefined) return known
  const code = errorCode(err)
  const answer = code === undefined ? undefined : CODE_ANSWERS[code]
  return answer === undefined ? undefined : { ...answer, message: (err as Error).message }
}

function internal(logger: Logger, err: unknown, method: string, path: string, tenant: string): PromError {
  logger.error({ err, method, path, tenant }, 'An alerting API request failed.')
  return {
    status: 500,
    errorType: 'internal',
    message: 'The request failed with an internal error; see the server log.',
  }
}
