/**
 * The subset of OpenAPI 3.1 (https://spec.openapis.org/oas/v3.1.0) that Vigil's API description uses,
 * typed so the document is checked at compile time. Every value is plain JSON. Schemas are JSON
 * Schema 2020-12, the OpenAPI 3.1 default dialect.
 */

export type JsonSchemaType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null'

/** A JSON Schema 2020-12 schema, limited to the keywords the document uses. */
export interface JsonSchema {
  readonly $ref?: string
  readonly title?: string
  readonly description?: string
  readonly type?: JsonSchemaType | readonly JsonSchemaType[]
  readonly enum?: readonly (string | number | null)[]
  readonly const?: string | number | boolean | null
  readonly default?: string | number | boolean
  readonly examples?: readonly unknown[]
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly required?: readonly string[]
  readonly additionalProperties?: boolean | JsonSchema
  readonly items?: boolean | JsonSchema
  readonly prefixItems?: readonly JsonSchema[]
  readonly minItems?: number
  readonly maxItems?: number
  readonly maxProperties?: number
  readonly oneOf?: readonly JsonSchema[]
  readonly anyOf?: readonly JsonSchema[]
  readonly pattern?: string
  readonly format?: string
  readonly minLength?: number
  readonly maxLength?: number
  readonly minimum?: number
  readonly maximum?: number
}

/** `{ "$ref": "#/components/…" }` in place of a parameter, response or header. */
export interface Reference {
  readonly $ref: string
}

export type ParameterLocation = 'query' | 'path' | 'header'

export interface Parameter {
  readonly name: string
  readonly in: ParameterLocation
  readonly description: string
  /** Must be true for path parameters. */
  readonly required?: boolean
  readonly schema: JsonSchema
  /** `form` with `explode: true` (the query default) repeats an array parameter: `a=1&a=2`. */
  readonly style?: 'form' | 'simple'
  readonly explode?: boolean
  readonly example?: unknown
}

export interface Header {
  readonly description: string
  readonly schema: JsonSchema
}

export interface MediaType {
  readonly schema: JsonSchema
  readonly example?: unknown
  /** Per form field, how it is serialised (`application/x-www-form-urlencoded` bodies). */
  readonly encoding?: Readonly<Record<string, { readonly style?: 'form'; readonly explode?: boolean }>>
}

export interface RequestBody {
  readonly description: string
  readonly required?: boolean
  readonly content: Readonly<Record<string, MediaType>>
}

export interface Response {
  readonly description: string
  readonly headers?: Readonly<Record<string, Header | Reference>>
  readonly content?: Readonly<Record<string, MediaType>>
}

/** Names of security schemes, each with its scopes (always none here: API keys carry their scopes). */
export type SecurityRequirement = Readonly<Record<string, readonly string[]>>

export interface Operation {
  /** Unique in the document. */
  readonly operationId: string
  readonly summary: string
  readonly description?: string
  readonly tags: readonly string[]
  readonly parameters?: readonly (Parameter | Reference)[]
  readonly requestBody?: RequestBody
  /** By HTTP status code (as a string). */
  readonly responses: Readonly<Record<string, Response | Reference>>
  /** Empty: no authentication; `{}` among the alternatives: authentication is optional. */
  readonly security?: readonly SecurityRequirement[]
}

export const operationMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const
export type OperationMethod = (typeof operationMethods)[number]

export type PathItem = Readonly<Partial<Record<OperationMethod, Operation>>>

export interface SecurityScheme {
  readonly type: 'http'
  readonly scheme: 'bearer' | 'basic'
  readonly description: string
}

export interface Tag {
  readonly name: string
  readonly description: string
}

export interface Components {
  readonly schemas: Readonly<Record<string, JsonSchema>>
  readonly parameters: Readonly<Record<string, Parameter>>
  readonly responses: Readonly<Record<string, Response>>
  readonly headers: Readonly<Record<string, Header>>
  readonly securitySchemes: Readonly<Record<string, SecurityScheme>>
}

export interface OpenApiDocument {
  readonly openapi: '3.1.0'
  readonly info: {
    readonly title: string
    readonly version: string
    readonly description: string
    readonly license: { readonly name: string; readonly identifier: string }
  }
  readonly jsonSchemaDialect: string
  readonly tags: readonly Tag[]
  /** By path template: `{name}` for a path parameter (`:name` in a `Route`). */
  readonly paths: Readonly<Record<string, PathItem>>
  readonly components: Components
}
