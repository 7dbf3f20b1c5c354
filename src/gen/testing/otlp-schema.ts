import protobuf from 'protobufjs'

/**
 * Test-only: the OTLP logs and traces messages the generator writes, as protobufjs types written
 * out of opentelemetry-proto (common/v1, resource/v1, logs/v1, trace/v1), so tests decode gen's
 * bytes with code nobody here wrote.
 */
const root = protobuf.parse(`
syntax = "proto3";
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; }
}
message KeyValue { string key = 1; AnyValue value = 2; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message InstrumentationScope { string name = 1; string version = 2; }

message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
message ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; }
message LogRecord {
  fixed64 time_unix_nano = 1; fixed64 observed_time_unix_nano = 11;
  int32 severity_number = 2; string severity_text = 3; AnyValue body = 5;
  repeated KeyValue attributes = 6; fixed32 flags = 8; bytes trace_id = 9; bytes span_id = 10;
}

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; Status status = 15;
}
message Status { string message = 2; int32 code = 3; }
`).root

export interface PbKeyValue {
  key: string
  value: { stringValue?: string; intValue?: number; boolValue?: boolean; doubleValue?: number }
}
export interface PbResource {
  attributes: PbKeyValue[]
}
export interface PbLogRecord {
  timeUnixNano: number
  severityNumber?: number
  severityText?: string
  body?: { stringValue?: string }
  attributes: PbKeyValue[]
}
export interface PbLogs {
  resourceLogs: { resource: PbResource; scopeLogs: { logRecords: PbLogRecord[] }[] }[]
}
export interface PbSpan {
  traceId: Uint8Array
  spanId: Uint8Array
  parentSpanId: Uint8Array
  name: string
  kind: number
  startTimeUnixNano: number
  endTimeUnixNano: number
  attributes: PbKeyValue[]
  status?: { code?: number; message?: string }
}
export interface PbTraces {
  resourceSpans: { resource: PbResource; scopeSpans: { spans: PbSpan[] }[] }[]
}

function decode<T>(type: string, bytes: Uint8Array): T {
  const t = root.lookupType(type)
  return t.toObject(t.decode(bytes), { longs: Number, arrays: true, defaults: true }) as T
}

export const decodeLogs = (bytes: Uint8Array): PbLogs => decode('ExportLogsServiceRequest', bytes)
export const decodeTraces = (bytes: Uint8Array): PbTraces => decode('ExportTraceServiceRequest', bytes)

export function attribute(attrs: readonly PbKeyValue[], key: string): PbKeyValue['value'] | undefined {
  return attrs.find((a) => a.key === key)?.value
}
