import { z } from 'zod'

/**
 * Configuration of the API listener (the `api:` section). Defaults are data: the listener binds to
 * loopback unless told otherwise, so a fresh `vigil start` is not reachable from the network.
 */
export const DEFAULT_API_HOST = '127.0.0.1'
export const DEFAULT_API_PORT = 8080

export const apiConfigSchema = z
  .object({
    host: z
      .string()
      .min(1)
      .describe('Address the API listener binds to; 0.0.0.0 (or ::) listens on every interface.'),
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .describe('TCP port of the API listener (/healthz, /readyz, /metrics); 0 picks a free port.'),
  })
  .strict()

export type ApiConfig = z.infer<typeof apiConfigSchema>

export function createDefaultApiConfig(): ApiConfig {
  return { host: DEFAULT_API_HOST, port: DEFAULT_API_PORT }
}
