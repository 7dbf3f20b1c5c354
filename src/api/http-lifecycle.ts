import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ApiListenError } from './errors.js'

/**
 * Binds `server` and resolves with the port it got (the real one when asked for port 0), or
 * rejects with an `ApiListenError` saying what the operator can do. Shared by every listener.
 */
export function listenHttp(server: Server, host: string, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (err: unknown): void => reject(new ApiListenError(host, port, err))
    server.once('error', onError)
    server.listen({ host, port }, () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

/**
 * Stops accepting connections, lets in-flight requests finish for at most `graceMs`, then cuts
 * what is left; idle keep-alive connections are closed at once.
 */
export function closeHttp(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs)
    timer.unref()
    server.close(() => {
      clearTimeout(timer)
      resolve()
    })
    server.closeIdleConnections()
  })
}
