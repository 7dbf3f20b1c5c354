import { Buffer } from 'node:buffer'
import protobuf from 'protobufjs'
import snappy from 'snappy'

/**
 * Test-only: builds Loki push bodies with `protobufjs` (an encoder nobody here wrote) from the
 * schema of grafana/loki pkg/push/push.proto, with protobufjs' own google.protobuf.Timestamp. The
 * decoder under test shares no code with this.
 */
export const PUSH_REQUEST_PROTO = `
syntax = "proto3";
package logproto;
import "google/protobuf/timestamp.proto";

message PushRequest { repeated StreamAdapter streams = 1; string format = 2; }
message StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
message LabelPairAdapter { string name = 1; string value = 2; }
message EntryAdapter {
  google.protobuf.Timestamp timestamp = 1;
  string line = 2;
  repeated LabelPairAdapter structuredMetadata = 3;
  repeated LabelPairAdapter parsed = 4;
}
`

export interface PbPair {
  name: string
  value: string
}
export interface PbEntry {
  timestamp?: { seconds: number; nanos: number }
  line: string
  structuredMetadata?: PbPair[]
  parsed?: PbPair[]
}
export interface PbStream {
  labels: string
  entries: PbEntry[]
  hash?: number
}
export interface PbPushRequest {
  streams: PbStream[]
  format?: string
}

const root = new protobuf.Root()
protobuf.parse(PUSH_REQUEST_PROTO, root, { keepCase: true })
const timestampProto = protobuf.common.get('google/protobuf/timestamp.proto')
if (timestampProto?.nested !== undefined) root.addJSON(timestampProto.nested)
const pushRequestType = root.lookupType('logproto.PushRequest')
const entryType = root.lookupType('logproto.EntryAdapter')

/** The protobuf encoding of `req` (uncompressed). */
export function encodePushRequest(req: PbPushRequest): Uint8Array {
  return pushRequestType.encode(pushRequestType.fromObject(req)).finish()
}

/** The protobuf encoding of one entry: what a reject's payload must equal. */
export function encodeEntry(entry: PbEntry): Uint8Array {
  return Uint8Array.from(entryType.encode(entryType.fromObject(entry)).finish())
}

/** A Loki protobuf push body: the snappy block-compressed encoding of `req`. */
export function lokiProtoBody(req: PbPushRequest): Uint8Array {
  return snappy.compressSync(Buffer.from(encodePushRequest(req)))
}

/** Label pairs in selector syntax, `{job="api", env="prod"}`, escaping only what must be. */
export function selector(pairs: readonly (readonly [string, string])[]): string {
  const esc = (v: string): string =>
    v.replace(
      /[\\"\n\t\r]/g,
      (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c]!,
    )
  return `{${pairs.map(([n, v]) => `${n}="${esc(v)}"`).join(', ')}}`
}
