import { z } from 'zod'

/**
 * The `auth:` section. `none` is the development mode `npm start` uses: every request is accepted,
 * its tenant taken from `X-Scope-OrgID` (else `default`), and a warning is printed at startup.
 * `keys` requires an API key on every ingest request (DESIGN.md §10).
 */
export const authModes = ['none', 'keys'] as const
export type AuthMode = (typeof authModes)[number]

export const scopes = ['ingest', 'query', 'admin'] as const
export type Scope = (typeof scopes)[number]

export const storedKeySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]{8,32}$/, 'a key id is 8–32 lowercase letters or digits'),
    tenant: z.string().min(1),
    scopes: z.array(z.enum(scopes)).min(1),
    hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a key hash looks like sha256:<64 hex digits>'),
    createdAt: z.string().optional(),
    description: z.string().optional(),
  })
  .strict()

export type StoredKey = z.infer<typeof storedKeySchema>

export const authConfigSchema = z
  .object({
    mode: z.enum(authModes).describe('`none` (development: no keys, tenant from X-Scope-OrgID) or `keys`.'),
    keysFile: z
      .string()
      .optional()
      .describe('JSON file of hashed keys written by `vigil keys create`; default <data-dir>/keys.json.'),
    keys: z.array(storedKeySchema).describe('Hashed keys listed in the config file itself.'),
    defaultTenant: z.string().min(1).describe('Tenant of requests without X-Scope-OrgID in `none` mode.'),
  })
  .strict()

export type AuthConfig = z.infer<typeof authConfigSchema>

export const DEFAULT_TENANT = 'default'

export function createDefaultAuthConfig(): AuthConfig {
  return { mode: 'none', keys: [], defaultTenant: DEFAULT_TENANT }
}

/** Tenant ids: what Loki/Mimir accept in X-Scope-OrgID, bounded. */
export const TENANT_PATTERN = /^[a-zA-Z0-9_.-]{1,64}$/

export function isValidTenant(tenant: string): boolean {
  return TENANT_PATTERN.test(tenant)
}
