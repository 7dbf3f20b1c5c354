/**
 * A tiny protobuf writer for tests only: builds messages field by field, so tests can hand-make
 * payloads the JS SDK can't produce (summaries, flags, odd field orders, bad values).
 *
 * ```ts
 * const point = msg(fixed64(3, 1_700_000_000_000_000_000n), double(4, 1.5))
 * const bytes = msg(len(1, resourceMetrics))
 * ```
 */
export type Field = Uint8Array

export function varintBytes(n: bigint): number[] {
  const out: number[] = []
  let v = BigInt.asUintN(64, n)
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return out
}

function tag(field: number, wire: number): number[] {
  return varintBytes(BigInt((field << 3) | wire))
}

export function msg(...fields: Field[]): Uint8Array {
  const total = fields.reduce((n, f) => n + f.length, 0)
  const out = new Uint8Array(total)
  let at = 0
  for (const f of fields) {
    out.set(f, at)
    at += f.length
  }
  return out
}

export function varint(field: number, v: bigint | number): Field {
  return Uint8Array.from([...tag(field, 0), ...varintBytes(BigInt(v))])
}

export function len(field: number, body: Uint8Array): Field {
  return Uint8Array.from([...tag(field, 2), ...varintBytes(BigInt(body.length)), ...body])
}

export function str(field: number, s: string): Field {
  return len(field, new TextEncoder().encode(s))
}

export function fixed64(field: number, v: bigint | number): Field {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true)
  return Uint8Array.from([...tag(field, 1), ...b])
}

export function double(field: number, v: number): Field {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setFloat64(0, v, true)
  return Uint8Array.from([...tag(field, 1), ...b])
}

export function packedDoubles(field: number, vs: readonly number[]): Field {
  const b = new Uint8Array(vs.length * 8)
  const view = new DataView(b.buffer)
  vs.forEach((v, i) => view.setFloat64(i * 8, v, true))
  return len(field, b)
}

export function packedFixed64(field: number, vs: readonly number[]): Field {
  const b = new Uint8Array(vs.length * 8)
  const view = new DataView(b.buffer)
  vs.forEach((v, i) => view.setBigUint64(i * 8, BigInt(v), true))
  return len(field, b)
}

/** OTLP AnyValue helpers (common/v1/common.proto). */
export const anyString = (s: string): Uint8Array => msg(str(1, s))
export const anyBool = (b: boolean): Uint8Array => msg(varint(2, b ? 1 : 0))
export const anyInt = (n: bigint | number): Uint8Array => msg(varint(3, n))
export const anyDouble = (v: number): Uint8Array => msg(double(4, v))
export const anyBytes = (b: Uint8Array): Uint8Array => msg(len(7, b))
export const anyArray = (...values: Uint8Array[]): Uint8Array =>
  msg(len(5, msg(...values.map((v) => len(1, v)))))
export const anyKvList = (...kvs: Uint8Array[]): Uint8Array =>
  msg(len(6, msg(...kvs.map((kv) => len(1, kv)))))

/** A KeyValue message. */
export function kv(key: string, value: Uint8Array): Uint8Array {
  return msg(str(1, key), len(2, value))
}

/** ExportMetricsServiceRequest with one ResourceMetrics holding `metrics` in one scope. */
export function request(resourceAttrs: readonly Uint8Array[], metrics: readonly Uint8Array[]): Uint8Array {
  const resource = msg(...resourceAttrs.map((a) => len(1, a)))
  const scope = msg(len(1, msg(str(1, 'test-scope'))), ...metrics.map((m) => len(2, m)))
  return msg(len(1, msg(len(1, resource), len(2, scope))))
}

export const NS_PER_MS = 1_000_000n
