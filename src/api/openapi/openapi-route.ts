import { sendText } from '../respond.js'
import type { Route } from '../route.js'
import type { OpenApiDocument } from './openapi-types.js'
import { OPENAPI_PATH } from './status-paths.js'

/** `GET /api/v1/openapi.json`: `doc` as JSON, serialised once. */
export function openapiRoute(doc: OpenApiDocument): Route {
  const text = JSON.stringify(doc)
  return {
    method: 'GET',
    path: OPENAPI_PATH,
    handle: (_req, res) => sendText(res, 200, 'application/json; charset=utf-8', text),
  }
}
