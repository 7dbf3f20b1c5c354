export { openapiDocument } from './openapi-document.js'
export type { OpenApiOptions } from './openapi-document.js'
export { openapiRoute } from './openapi-route.js'
export { OPENAPI_PATH } from './status-paths.js'
export { operationMethods } from './openapi-types.js'
export type {
  JsonSchema,
  MediaType,
  OpenApiDocument,
  Operation,
  OperationMethod,
  Parameter,
  PathItem,
  Reference,
  Response,
} from './openapi-types.js'
