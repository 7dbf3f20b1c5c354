import type { ReceiverAuth } from './config.js'

/** The `Authorization` header value for a receiver's `auth`, or undefined for none. */
export function authHeader(auth: ReceiverAuth | null): string | undefined {
  if (auth === null) return undefined
  if (auth.kind === 'bearer') return `Bearer ${auth.token}`
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`
}
