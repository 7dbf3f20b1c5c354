import { createHash, randomBytes } from 'node:crypto'

/**
 * API keys: `vgl_<id>_<secret>`, the id 12 lowercase hex digits (safe to log and list), the secret
 * 32 random bytes in base64url. Only `sha256:<hex>` of the whole key is stored. A plain SHA-256 is
 * enough here (unlike passwords): the secret has 256 bits of entropy, so there is nothing to
 * brute-force, and it keeps verification to about a microsecond per request.
 */
export const API_KEY_PREFIX = 'vgl_'

export interface GeneratedKey {
  readonly id: string
  /** Shown once to the operator, never stored. */
  readonly key: string
  readonly hash: string
}

export function generateApiKey(): GeneratedKey {
  const id = randomBytes(6).toString('hex')
  const key = `${API_KEY_PREFIX}${id}_${randomBytes(32).toString('base64url')}`
  return { id, key, hash: hashApiKey(key) }
}

export function hashApiKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`
}

/** The id part of a well-formed key, for logs ("key 3f2a…"); undefined when malformed. */
export function apiKeyId(key: string): string | undefined {
  const m = /^vgl_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/.exec(key)
  return m?.[1]
}
