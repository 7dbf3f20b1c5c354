import { forEachAttribute } from './any-value-json.js'
import { JsonShapeError, arrayField, asObject, objectField, stringField } from './json-fields.js'
import { RecordDecodeState } from './record-decode-state.js'
import type { ResourceInterner } from './record-decode-state.js'
import type { RecordRejectReason } from './record-limits.js'

/** The OTLP/JSON keys of a signal's levels: `resourceLogs`/`scopeLogs`/`logRecords`, … */
export interface SignalKeys {
  readonly resource: string
  readonly scope: string
  readonly record: string
}

/** State of one OTLP/JSON logs or traces decode. */
export class RecordJsonContext<B extends ResourceInterner> extends RecordDecodeState<B> {
  /** Rejects `record`, keeping its JSON text. */
  reject(reason: RecordRejectReason, record: unknown): void {
    this.tally.add(reason, new TextEncoder().encode(JSON.stringify(record)))
  }
}

export type JsonRecordReader<B extends ResourceInterner> = (
  ctx: RecordJsonContext<B>,
  record: unknown,
  what: string,
) => void

/**
 * Parses an OTLP/JSON logs or traces request and walks it down to its records (the same three
 * levels as the protobuf form, otlp-proto-walk.ts), calling `read` for each with its JSON path.
 * Returns the failure reason when the request is unreadable: bad JSON, or a field of the wrong
 * type named by its path, e.g. "resourceSpans[0].scopeSpans[1].spans[3].kind: expected an integer".
 */
export function walkOtlpJson<B extends ResourceInterner>(
  body: Uint8Array | string,
  ctx: RecordJsonContext<B>,
  keys: SignalKeys,
  read: JsonRecordReader<B>,
): string | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body))
  } catch (err) {
    return `invalid JSON: ${(err as Error).message}`
  }
  try {
    const groups = arrayField(asObject(parsed, 'request'), keys.resource, 'request')
    for (let i = 0; i < groups.length; i++) walkResource(ctx, keys, read, groups[i], `${keys.resource}[${i}]`)
  } catch (err) {
    if (err instanceof JsonShapeError) return err.message
    throw err
  }
  return undefined
}

function walkResource<B extends ResourceInterner>(
  ctx: RecordJsonContext<B>,
  keys: SignalKeys,
  read: JsonRecordReader<B>,
  v: unknown,
  what: string,
): void {
  const group = asObject(v, what)
  const resource = objectField(group, 'resource', what)
  ctx.inner.reset()
  if (resource !== undefined) {
    const attributes = arrayField(resource, 'attributes', `${what}.resource`)
    forEachAttribute(attributes, `${what}.resource.attributes`, ctx.inner.add)
  }
  ctx.endResource()
  const scopes = arrayField(group, keys.scope, what)
  for (let i = 0; i < scopes.length; i++) {
    const at = `${what}.${keys.scope}[${i}]`
    const scopeGroup = asObject(scopes[i], at)
    const scope = objectField(scopeGroup, 'scope', at)
    ctx.beginScope()
    if (scope !== undefined) {
      ctx.scope = stringField(scope, 'name', `${at}.scope`)
      ctx.scopeVersion = stringField(scope, 'version', `${at}.scope`)
    }
    const records = arrayField(scopeGroup, keys.record, at)
    for (let j = 0; j < records.length; j++) read(ctx, records[j], `${at}.${keys.record}[${j}]`)
  }
}
