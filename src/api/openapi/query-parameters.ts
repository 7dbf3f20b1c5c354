import { jsonContent, promSuccess, responseRef, schemaRef } from './components.js'
import type { JsonSchema, Operation, Parameter } from './openapi-types.js'

/**
 * Building blocks of the store's query endpoints (logs, traces, anomalies): their query
 * parameters and their responses. GET only; a parameter given twice (unless repeatable) or empty
 * is a 400.
 */

/** A query parameter; an array schema is a repeatable parameter (`?a=1&a=2`). */
export const param = (
  name: string,
  description: string,
  schema: JsonSchema,
  extra: Partial<Pick<Parameter, 'required' | 'example'>> = {},
): Parameter => ({
  name,
  in: 'query',
  description,
  schema,
  ...(schema.type === 'array' ? { style: 'form', explode: true } : {}),
  ...extra,
})

export const time: JsonSchema = {
  type: 'string',
  description:
    'Unix seconds with an optional fraction (exact to the nanosecond) or RFC 3339; not before 1970.',
  examples: ['1700000000', '1700000000.123456789', '2023-11-14T22:13:20Z'],
}

/** `start` and `end`, both inclusive; the default range is the hour up to now. */
export const range: Parameter[] = [
  param('start', 'Start of the range, inclusive; default: an hour before `end`.', time),
  param('end', 'End of the range, inclusive; default: now.', time),
]

/** A repeatable string parameter's schema. */
export const repeated = (examples: readonly string[]): JsonSchema => ({
  type: 'array',
  items: { type: 'string', minLength: 1, examples },
})

export const limit = (fallback: number, max: number): Parameter =>
  param(`limit`, `At most this many results (default ${fallback}).`, {
    type: 'integer',
    minimum: 1,
    maximum: max,
    default: fallback,
  })

/** The responses of a query endpoint whose success `data` is `data`. */
export const queryResponses = (
  data: JsonSchema,
  what: string,
  notFound?: string,
): Operation['responses'] => ({
  '200': { description: what, content: jsonContent(promSuccess(data, what)) },
  '400': responseRef('BadData'),
  '401': responseRef('Unauthorized'),
  '403': responseRef('Forbidden'),
  ...(notFound === undefined
    ? {}
    : { '404': { description: notFound, content: jsonContent(schemaRef('PromError')) } }),
  '500': responseRef('InternalPromError'),
  '503': responseRef('Timeout'),
})
