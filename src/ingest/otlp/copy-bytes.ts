/**
 * A copy of `buf[start, end)`. Not `buf.slice`: on a Node `Buffer` that is a view, and what the
 * decoders keep (rejected and kept points, cache keys) must not alias a request buffer the receiver
 * may reuse.
 */
export function copyBytes(buf: Uint8Array, start: number, end: number): Uint8Array {
  return Uint8Array.prototype.slice.call(buf, start, end)
}
