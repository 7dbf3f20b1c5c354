import { decodeOtlpLogsJson } from './decode-logs-json.js'
import { decodeOtlpLogsProto } from './decode-logs.js'
import { fuzzRecordDecoder } from './testing/record-fuzz.js'
import { recordSdkLogs } from './testing/sdk-logs-traces.js'

fuzzRecordDecoder(recordSdkLogs, decodeOtlpLogsProto, decodeOtlpLogsJson)
