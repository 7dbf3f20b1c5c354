/**
 * OTLP/HTTP response bodies (opentelemetry-proto `collector/{metrics,logs,trace}/v1/…_service.proto`, and the OTLP
 * spec's "OTLP/HTTP Response"): success is an Export*ServiceResponse whose field 1 is the partial
 * success `{ rejected_<items> = 1 (int64), error_message = 2 }`; a failure is a google.rpc.Status
 * `{ code = 1, message = 2 }`. Bodies are a few bytes, built by hand here (cold path).
 */
export type OtlpSignal = 'metrics' | 'logs' | 'traces'

const rejectedField: Readonly<Record<OtlpSignal, string>> = {
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
  traces: 'rejectedSpans',
}

/** gRPC codes used in Status bodies. */
export const GRPC_INVALID_ARGUMENT = 3
export const GRPC_RESOURCE_EXHAUSTED = 8
export const GRPC_UNAVAILABLE = 14
export const GRPC_UNAUTHENTICATED = 16
export const GRPC_PERMISSION_DENIED = 7
export const GRPC_INTERNAL = 13

export function grpcCodeForStatus(status: number): number {
  if (status === 401) return GRPC_UNAUTHENTICATED
  if (status === 403) return GRPC_PERMISSION_DENIED
  if (status === 429) return GRPC_RESOURCE_EXHAUSTED
  if (status === 503) return GRPC_UNAVAILABLE
  if (status >= 500) return GRPC_INTERNAL
  return GRPC_INVALID_ARGUMENT
}

export function otlpSuccessBody(
  signal: OtlpSignal,
  json: boolean,
  rejected: number,
  message: string,
): Buffer {
  if (json) {
    if (rejected === 0 && message === '') return Buffer.from('{}')
    return Buffer.from(
      JSON.stringify({
        partialSuccess: { [rejectedField[signal]]: String(rejected), errorMessage: message },
      }),
    )
  }
  if (rejected === 0 && message === '') return Buffer.alloc(0)
  const partial: number[] = []
  if (rejected > 0) partial.push(0x08, ...varint(rejected))
  if (message !== '') partial.push(...lengthDelimited(2, Buffer.from(message, 'utf8')))
  return Buffer.from(lengthDelimited(1, Uint8Array.from(partial)))
}

export function otlpStatusBody(json: boolean, code: number, message: string): Buffer {
  if (json) return Buffer.from(JSON.stringify({ code, message }))
  return Buffer.from([0x08, ...varint(code), ...lengthDelimited(2, Buffer.from(message, 'utf8'))])
}

function lengthDelimited(field: number, bytes: Uint8Array): number[] {
  return [(field << 3) | 2, ...varint(bytes.length), ...bytes]
}

function varint(n: number): number[] {
  const out: number[] = []
  let v = n
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return out
}
