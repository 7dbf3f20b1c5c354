import assert from 'node:assert/strict'
import { test } from 'node:test'
import { OtlpLogsDecoder, OtlpTracesDecoder, decodeOtlpLogsProto, decodeOtlpTracesJson } from './index.js'
import { recordSdkLogs, recordSdkTraces } from './testing/sdk-logs-traces.js'

test('OtlpLogsDecoder and OtlpTracesDecoder decode both encodings with their limits', () => {
  const logs = recordSdkLogs()
  const logDecoder = new OtlpLogsDecoder({ limits: { maxBodyLength: 25 } })
  assert.deepEqual(
    logDecoder.decodeProto(logs.proto, 't'),
    decodeOtlpLogsProto(logs.proto, 't', { maxBodyLength: 25 }),
  )
  const json = logDecoder.decodeJson(logs.json, 't')
  assert.ok(json.ok && json.rejectReasons.body_too_long === 1)

  const traces = recordSdkTraces()
  const spanDecoder = new OtlpTracesDecoder()
  assert.deepEqual(spanDecoder.decodeJson(traces.json, 't'), decodeOtlpTracesJson(traces.json, 't'))
  const proto = spanDecoder.decodeProto(traces.proto, 't')
  assert.ok(proto.ok && proto.accepted === traces.spans.length)
})
