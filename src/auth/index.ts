export { API_KEY_PREFIX, apiKeyId, generateApiKey, hashApiKey } from './api-key.js'
export type { GeneratedKey } from './api-key.js'
export { Authenticator } from './authenticate.js'
export type { AuthHeaders, AuthOutcome, Principal } from './authenticate.js'
export {
  DEFAULT_TENANT,
  TENANT_PATTERN,
  authConfigSchema,
  authModes,
  createDefaultAuthConfig,
  isValidTenant,
  scopes,
  storedKeySchema,
} from './config.js'
export type { AuthConfig, AuthMode, Scope, StoredKey } from './config.js'
export { KEYS_FILE_NAME, KeysFileError, readKeysFile, writeKeysFile } from './keys-file.js'
