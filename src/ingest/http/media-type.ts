/** `application/x-protobuf; proto=…` → `application/x-protobuf` (lower-cased, trimmed). */
export function mediaTypeOf(contentType: string | undefined): string {
  if (contentType === undefined) return ''
  const semi = contentType.indexOf(';')
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
}
