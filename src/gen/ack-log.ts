import { closeSync, openSync, writeSync } from 'node:fs'
import type { Payload } from './payload.js'

/**
 * The acknowledgement log for crash tests: one NDJSON line per request answered 2xx, e.g.
 * `{"seq":12,"signal":"metrics","protocol":"remote_write","status":204,"records":1000,"tsMs":1700000000123}`.
 * Lines are written with `writeSync` on a file opened for append as each ack arrives, so they
 * reach the OS at once and survive the generator being killed. See docs/gen.md for how a test
 * recovers each request's records from `seq` / `tsMs`.
 */
export interface AckLog {
  append(payload: Payload, status: number): void
  close(): void
}

export function ackLine(payload: Payload, status: number): string {
  const { seq, signal, protocol, records, tsMs } = payload
  return `${JSON.stringify({ seq, signal, protocol, status, records, tsMs })}\n`
}

export function openAckFile(path: string): AckLog {
  const fd = openSync(path, 'a')
  let open = true
  return {
    append(payload, status) {
      if (open) writeSync(fd, ackLine(payload, status))
    },
    close() {
      if (!open) return
      open = false
      closeSync(fd)
    },
  }
}
