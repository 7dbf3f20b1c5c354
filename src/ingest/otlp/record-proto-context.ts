import { ProtoReader } from '../protobuf/proto-reader.js'
import { copyBytes } from './copy-bytes.js'
import { RecordDecodeState } from './record-decode-state.js'
import type { ResourceInterner } from './record-decode-state.js'
import type { RecordLimits, RecordRejectReason } from './record-limits.js'

/** Names of an OTLP signal's messages, for failure reasons. */
export interface SignalMessages {
  readonly request: string
  readonly resource: string
  readonly scope: string
  readonly record: string
}

/**
 * State of one protobuf logs or traces decode: the shared decode state plus the reader, where it
 * failed, and the signal's record reader that the request walk (otlp-proto-walk.ts) calls.
 */
export class RecordProtoContext<B extends ResourceInterner> extends RecordDecodeState<B> {
  readonly r: ProtoReader
  readonly messages: SignalMessages
  readonly readRecord: (ctx: RecordProtoContext<B>) => void
  /** The innermost message where the reader failed. */
  errorAt: string | undefined

  constructor(
    bytes: Uint8Array,
    builder: B,
    limits: RecordLimits,
    messages: SignalMessages,
    readRecord: (ctx: RecordProtoContext<B>) => void,
  ) {
    super(builder, limits)
    this.r = new ProtoReader(bytes)
    this.messages = messages
    this.readRecord = readRecord
  }

  /** Rejects the record in `[start, end)` of the input, keeping a copy of its bytes. */
  reject(reason: RecordRejectReason, start: number, end: number): void {
    this.tally.add(reason, copyBytes(this.r.buf, start, end))
  }
}
