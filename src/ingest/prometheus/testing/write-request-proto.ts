import protobuf from 'protobufjs'
import snappy from 'snappy'

/**
 * Test-only: builds remote_write bodies with `protobufjs`, a client nobody here wrote, from a schema
 * written out of the Prometheus spec (prompb remote.proto / types.proto, v1). The decoder under test
 * shares no code with this.
 */
export const WRITE_REQUEST_PROTO = `
syntax = "proto3";
package prometheus;

message WriteRequest {
  repeated TimeSeries timeseries = 1;
  reserved 2;
  repeated MetricMetadata metadata = 3;
}
message MetricMetadata {
  enum MetricType {
    UNKNOWN = 0; COUNTER = 1; GAUGE = 2; HISTOGRAM = 3;
    GAUGEHISTOGRAM = 4; SUMMARY = 5; INFO = 6; STATESET = 7;
  }
  MetricType type = 1;
  string metric_family_name = 2;
  string help = 4;
  string unit = 5;
}
message Sample { double value = 1; int64 timestamp = 2; }
message Exemplar { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
message BucketSpan { sint32 offset = 1; uint32 length = 2; }
message Histogram {
  enum ResetHint { UNKNOWN = 0; YES = 1; NO = 2; GAUGE = 3; }
  oneof count { uint64 count_int = 1; double count_float = 2; }
  double sum = 3;
  sint32 schema = 4;
  double zero_threshold = 5;
  oneof zero_count { uint64 zero_count_int = 6; double zero_count_float = 7; }
  repeated BucketSpan negative_spans = 8;
  repeated sint64 negative_deltas = 9;
  repeated double negative_counts = 10;
  repeated BucketSpan positive_spans = 11;
  repeated sint64 positive_deltas = 12;
  repeated double positive_counts = 13;
  ResetHint reset_hint = 14;
  int64 timestamp = 15;
}
message TimeSeries {
  repeated Label labels = 1;
  repeated Sample samples = 2;
  repeated Exemplar exemplars = 3;
  repeated Histogram histograms = 4;
}
message Label { string name = 1; string value = 2; }
`

export interface PbLabel {
  name: string
  value: string
}
export interface PbSample {
  value: number
  timestamp: number
}
export interface PbTimeSeries {
  labels: PbLabel[]
  samples: PbSample[]
  exemplars?: { labels: PbLabel[]; value: number; timestamp: number }[]
  histograms?: { countInt?: number; sum?: number; schema?: number; timestamp?: number }[]
}
export interface PbMetadata {
  type: number
  metricFamilyName: string
  help?: string
  unit?: string
}
export interface PbWriteRequest {
  timeseries: PbTimeSeries[]
  metadata?: PbMetadata[]
}

export const METRIC_TYPE = {
  UNKNOWN: 0,
  COUNTER: 1,
  GAUGE: 2,
  HISTOGRAM: 3,
  GAUGEHISTOGRAM: 4,
  SUMMARY: 5,
  INFO: 6,
  STATESET: 7,
} as const

const writeRequestType = protobuf.parse(WRITE_REQUEST_PROTO).root.lookupType('prometheus.WriteRequest')

/** The protobuf encoding of `req` (uncompressed). */
export function encodeWriteRequest(req: PbWriteRequest): Uint8Array {
  return writeRequestType.encode(writeRequestType.fromObject(req)).finish()
}

/** A remote_write body: the snappy block-compressed protobuf encoding of `req`. */
export function remoteWriteBody(req: PbWriteRequest): Uint8Array {
  return snappy.compressSync(encodeWriteRequest(req))
}
