import { PipelineError } from '../core/index.js'

/** Codes of listen failures the operator can fix (address taken, privileged port, unknown address). */
const userListenCodes = new Set(['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'ENOTFOUND'])

const explanations: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is already in use; stop the other process or pick another port',
  EACCES: 'permission denied; ports below 1024 need privileges, pick another port',
  EADDRNOTAVAIL: 'the address is not available on this machine; pick a local address',
  ENOTFOUND: 'the host name does not resolve; use an IP address or a resolvable name',
}

/** The API listener could not bind. `user` domain when the operator can fix it by configuration. */
export class ApiListenError extends PipelineError {
  constructor(host: string, port: number, cause: unknown) {
    const sysCode = (cause as { code?: unknown } | null)?.code
    const code = typeof sysCode === 'string' ? sysCode : 'UNKNOWN'
    const why = explanations[code] ?? (cause instanceof Error ? cause.message : String(cause))
    super(`Cannot listen on ${host}:${port}: ${why}.`, {
      code: 'API_LISTEN_FAILED',
      domain: userListenCodes.has(code) ? 'user' : 'external',
      retryable: false,
      cause,
    })
  }
}
