import { hashApiKey } from './api-key.js'
import { isValidTenant } from './config.js'
import type { AuthConfig, Scope, StoredKey } from './config.js'

/** Who is calling, after authentication. */
export interface Principal {
  readonly tenant: string
  /** The key id, or '' in `none` mode. */
  readonly keyId: string
}

export type AuthOutcome =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly status: 400 | 401 | 403; readonly message: string }

/** The request headers authentication looks at (node lower-cases header names). */
export interface AuthHeaders {
  readonly authorization?: string | undefined
  readonly 'x-scope-orgid'?: string | string[] | undefined
}

/**
 * Resolves the tenant of a request. Accepted credentials, in `keys` mode:
 * - `Authorization: Bearer <key>` (OTLP exporters, Prometheus `authorization` config);
 * - `Authorization: Basic base64(<tenant>:<key>)` (Promtail, Alloy, Fluent Bit, Vector `basic_auth`;
 *   the user name, when not empty, must be the key's tenant).
 * `X-Scope-OrgID` (Loki/Mimir clients) may name the tenant too: it must equal the key's tenant,
 * unless the key has the `admin` scope, which may write on behalf of any tenant.
 *
 * In `none` mode (development) no key is needed and the tenant is `X-Scope-OrgID` or the default.
 * A class because it keeps the key index; `replaceKeys` swaps it (after `vigil keys` edits).
 */
export class Authenticator {
  readonly #config: AuthConfig
  #byHash = new Map<string, StoredKey>()

  constructor(config: AuthConfig, keys: readonly StoredKey[]) {
    this.#config = config
    this.replaceKeys(keys)
  }

  get mode(): AuthConfig['mode'] {
    return this.#config.mode
  }

  get keyCount(): number {
    return this.#byHash.size
  }

  replaceKeys(keys: readonly StoredKey[]): void {
    const byHash = new Map<string, StoredKey>()
    for (const k of [...this.#config.keys, ...keys]) byHash.set(k.hash, k)
    this.#byHash = byHash
  }

  authenticate(headers: AuthHeaders, scope: Scope): AuthOutcome {
    const orgHeader = headers['x-scope-orgid']
    const orgId = Array.isArray(orgHeader) ? orgHeader[0] : orgHeader
    if (orgId !== undefined && !isValidTenant(orgId)) {
      return {
        ok: false,
        status: 400,
        message: `X-Scope-OrgID ${JSON.stringify(orgId.slice(0, 80))} is not a valid tenant id (1–64 of A-Z a-z 0-9 _ . -).`,
      }
    }
    if (this.#config.mode === 'none') {
      return { ok: true, principal: { tenant: orgId ?? this.#config.defaultTenant, keyId: '' } }
    }
    const cred = parseAuthorization(headers.authorization)
    if (cred === undefined) {
      return {
        ok: false,
        status: 401,
        message:
          'An API key is required: send "Authorization: Bearer <key>" (or Basic auth with the key as password).',
      }
    }
    const stored = this.#byHash.get(hashApiKey(cred.key))
    if (stored === undefined)
      return { ok: false, status: 401, message: 'The API key is not valid (unknown or revoked).' }
    if (!stored.scopes.includes(scope) && !stored.scopes.includes('admin')) {
      return { ok: false, status: 403, message: `API key ${stored.id} lacks the "${scope}" scope.` }
    }
    const admin = stored.scopes.includes('admin')
    for (const claimed of [cred.user, orgId]) {
      if (claimed === undefined || claimed === '' || claimed === stored.tenant || admin) continue
      return {
        ok: false,
        status: 403,
        message: `API key ${stored.id} belongs to tenant "${stored.tenant}", not "${claimed}".`,
      }
    }
    const tenant = admin ? (orgId ?? stored.tenant) : stored.tenant
    return { ok: true, principal: { tenant, keyId: stored.id } }
  }
}

interface Credential {
  readonly key: string
  readonly user?: string
}

function parseAuthorization(header: string | undefined): Credential | undefined {
  if (header === undefined) return undefined
  const space = header.indexOf(' ')
  if (space === -1) return undefined
  const scheme = header.slice(0, space).toLowerCase()
  const value = header.slice(space + 1).trim()
  if (scheme === 'bearer' && value !== '') return { key: value }
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon === -1) return undefined
    return { key: decoded.slice(colon + 1), user: decoded.slice(0, colon) }
  }
  return undefined
}
