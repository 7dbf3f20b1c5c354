import type { ListenAddress } from '../../api/index.js'

export interface StartupHintOptions {
  readonly version: string
  readonly api: ListenAddress
  readonly dataDir: string
  readonly fsync: string
}

/** The human-readable "where is it and what do I try first" block printed once Vigil is ready. */
export function formatStartupHint(options: StartupHintOptions): string {
  const base = `http://${urlHost(options.api.host)}:${options.api.port}`
  return [
    `Vigil ${options.version} is running (all-in-one).`,
    `  API        ${base}  (listening on ${options.api.host}:${options.api.port})`,
    `  Data dir   ${options.dataDir}  (fsync: ${options.fsync})`,
    `  Try        curl ${base}/readyz`,
    `             curl ${base}/metrics`,
    `  Inspect    vigil log inspect --data-dir ${options.dataDir}`,
    `  Stop       Ctrl-C (SIGINT) or SIGTERM`,
    '',
  ].join('\n')
}

/** A host as it must appear in a URL you can curl: wildcard addresses become loopback. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1'
  if (host === '::' || host === '[::]') return '[::1]'
  if (host.includes(':') && !host.startsWith('[')) return `[${host}]`
  return host
}
