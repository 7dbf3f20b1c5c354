import { decodeOtlpTracesJson } from './decode-traces-json.js'
import { decodeOtlpTracesProto } from './decode-traces.js'
import { fuzzRecordDecoder } from './testing/record-fuzz.js'
import { recordSdkTraces } from './testing/sdk-logs-traces.js'

fuzzRecordDecoder(recordSdkTraces, decodeOtlpTracesProto, decodeOtlpTracesJson)
