import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { SeverityNumber } from '@opentelemetry/api-logs'
import { OTLPLogExporter as LogsHttpJson } from '@opentelemetry/exporter-logs-otlp-http'
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto'
import { OTLPMetricExporter as MetricsHttpJson } from '@opentelemetry/exporter-metrics-otlp-http'
import { OTLPMetricExporter as MetricsProto } from '@opentelemetry/exporter-metrics-otlp-proto'
import { OTLPTraceExporter as TracesHttpJson } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as TracesProto } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs'
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs'
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base'
import { decodeBatch, labelValue } from '../../src/core/batch/index.js'
import type { LogRow, MetricBatch, SpanRow } from '../../src/core/batch/index.js'
import { INGEST_TOPICS } from '../../src/ingest/http/index.js'
import { createDefaultEmbeddedLogConfig } from '../../src/log/embedded/index.js'
import { readTopic } from '../../src/pipeline/testing/read-topic.js'
import { freePort, makeTempDir, tryGet, VigilProcess, waitFor } from '../../src/cli/testing/run-vigil.js'

/**
 * Acceptance: the OpenTelemetry JS SDK's own OTLP/HTTP exporters (protobuf and JSON, for metrics,
 * logs and traces) send to a running `vigil start`; every export the SDK saw succeed (2xx) is read
 * back from the log afterwards, field by field.
 */
class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const RESOURCE = { 'service.name': 'checkout', 'service.instance.id': 'pod-1' }

function exportWith<T>(
  exporter: { export(items: T, cb: (r: { code: number; error?: Error }) => void): void },
  items: T,
): Promise<void> {
  return new Promise((resolve, reject) => {
    exporter.export(items, (r) =>
      r.code === 0 /* ExportResultCode.SUCCESS */ ? resolve() : reject(r.error ?? new Error('export failed')),
    )
  })
}

describe('OpenTelemetry JS SDK exporters → vigil start → log', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let vigil: VigilProcess
  let url: string
  const sentLogs: ReadableLogRecord[] = []
  const sentSpans: ReadableSpan[] = []
  const sentCounters: number[] = []

  before(async () => {
    ;({ dir, cleanup } = await makeTempDir())
    const [api, ingest] = [await freePort(), await freePort()]
    url = `http://127.0.0.1:${ingest}`
    vigil = new VigilProcess([
      'start',
      '--data-dir',
      join(dir, 'data'),
      '--api-port',
      String(api),
      '--ingest-port',
      String(ingest),
    ])
    await waitFor(async () => (await tryGet(`http://127.0.0.1:${api}/readyz`))?.status === 200, {
      timeoutMs: 20_000,
      what: 'vigil start to be ready',
      context: () => vigil.describe(),
    })
  })

  after(async () => {
    vigil.kill()
    await vigil.exited.catch(() => undefined)
    await cleanup()
  })

  for (const [encoding, Exporter] of [
    ['protobuf', MetricsProto],
    ['json', MetricsHttpJson],
  ] as const) {
    test(`metrics over OTLP/HTTP ${encoding}`, async () => {
      const reader = new ManualReader()
      const provider = new MeterProvider({
        resource: resourceFromAttributes({ ...RESOURCE, encoding }),
        readers: [reader],
      })
      const meter = provider.getMeter('e2e')
      const counter = meter.createCounter('orders')
      const value = sentCounters.length * 10 + 7
      counter.add(value, { region: 'eu' })
      sentCounters.push(value)
      meter.createHistogram('latency', { unit: 'ms' }).record(42)
      const { resourceMetrics } = await reader.collect()
      const exporter = new Exporter({ url: `${url}/v1/metrics` })
      await exportWith<ResourceMetrics>(exporter as never, resourceMetrics)
      await exporter.shutdown()
    })
  }

  for (const [encoding, Exporter] of [
    ['protobuf', LogsProto],
    ['json', LogsHttpJson],
  ] as const) {
    test(`logs over OTLP/HTTP ${encoding}`, async () => {
      const memory = new InMemoryLogRecordExporter()
      const exporter = new Exporter({ url: `${url}/v1/logs` }) as LogRecordExporter
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ ...RESOURCE, encoding }),
        processors: [
          new SimpleLogRecordProcessor({ exporter: memory }),
          new SimpleLogRecordProcessor({ exporter }),
        ],
      })
      const logger = provider.getLogger('e2e-logs', '1.0.0')
      logger.emit({
        body: `order placed (${encoding})`,
        severityNumber: SeverityNumber.INFO,
        severityText: 'INFO',
        attributes: { 'order.id': 'o-1', items: 3 },
        timestamp: [1_700_000_000, 123_456_789],
      })
      logger.emit({
        body: `payment failed (${encoding})`,
        severityNumber: SeverityNumber.ERROR,
        severityText: 'ERROR',
        attributes: { retry: true },
      })
      await provider.forceFlush()
      sentLogs.push(...memory.getFinishedLogRecords())
      await provider.shutdown()
    })
  }

  for (const [encoding, Exporter] of [
    ['protobuf', TracesProto],
    ['json', TracesHttpJson],
  ] as const) {
    test(`traces over OTLP/HTTP ${encoding}`, async () => {
      const memory = new InMemorySpanExporter()
      const exporter = new Exporter({ url: `${url}/v1/traces` }) as SpanExporter
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ ...RESOURCE, encoding }),
        spanProcessors: [new SimpleSpanProcessor(memory), new SimpleSpanProcessor(exporter)],
      })
      const tracer = provider.getTracer('e2e-traces', '2.0.0')
      tracer.startActiveSpan(
        `GET /cart (${encoding})`,
        { kind: SpanKind.SERVER, attributes: { 'http.status_code': 500 } },
        (parent) => {
          const child = tracer.startSpan('SELECT carts', { kind: SpanKind.CLIENT })
          child.addEvent('retry', { attempt: 2 })
          child.end()
          parent.setStatus({ code: SpanStatusCode.ERROR, message: 'db down' })
          parent.end()
        },
      )
      await provider.forceFlush()
      sentSpans.push(...memory.getFinishedSpans())
      await provider.shutdown()
    })
  }

  test('after a clean stop, every exported record is in the log, intact, exactly once', async () => {
    vigil.child.kill('SIGTERM')
    assert.equal((await vigil.exited).code, 0, vigil.describe())
    const logConfig = createDefaultEmbeddedLogConfig(join(dir, 'data'))

    // Metrics: one `orders_total` sample per export with the value the SDK counted.
    const metrics = (await readTopic(logConfig, INGEST_TOPICS.metrics)).map((r) =>
      decoded<MetricBatch>(r.value, 'metrics'),
    )
    const orders: number[] = []
    for (const b of metrics) {
      for (let i = 0; i < b.length; i++) {
        const labels = b.series[b.seriesIdx[i]!]!
        if (labelValue(labels, '__name__') === 'orders_total') {
          assert.equal(labelValue(labels, 'region'), 'eu')
          assert.equal(labelValue(labels, 'job'), 'checkout')
          orders.push(b.value[i]!)
        }
      }
    }
    assert.deepEqual(orders.sort(), [...sentCounters].sort())

    // Logs: body, severity, attributes, exact time, scope, service.
    const logBatches = (await readTopic(logConfig, INGEST_TOPICS.logs)).map((r) =>
      decoded<{ kind: 'logs'; rows: LogRow[]; resources: { service: string; scope: string }[] }>(
        r.value,
        'logs',
      ),
    )
    const logRows = logBatches.flatMap((b) =>
      b.rows.map((row) => ({ row, resource: b.resources[row.resource]! })),
    )
    assert.equal(logRows.length, sentLogs.length)
    for (const sent of sentLogs) {
      const found = logRows.filter(({ row }) => row.body === sent.body)
      assert.equal(found.length, 1, `log ${String(sent.body)}`)
      const { row, resource } = found[0]!
      assert.equal(resource.service, 'checkout')
      assert.equal(resource.scope, 'e2e-logs')
      assert.equal(row.severityNumber, sent.severityNumber)
      assert.equal(row.severityText, sent.severityText)
      assert.equal(nanos(row.timeMs, row.timeNanos), hrNanos(sent.hrTime))
      for (const [k, v] of Object.entries(sent.attributes)) {
        assert.equal(row.attributes[row.attributes.indexOf(k) + 1], String(v), `attribute ${k}`)
      }
    }

    // Spans: ids, parent, name, kind, times, status, events.
    const spanBatches = (await readTopic(logConfig, INGEST_TOPICS.traces)).map((r) =>
      decoded<{ kind: 'spans'; rows: SpanRow[] }>(r.value, 'spans'),
    )
    const spanRows = spanBatches.flatMap((b) => b.rows)
    assert.equal(spanRows.length, sentSpans.length)
    for (const sent of sentSpans) {
      const ctx = sent.spanContext()
      const found = spanRows.filter((r) => r.spanId === ctx.spanId)
      assert.equal(found.length, 1, `span ${sent.name}`)
      const row = found[0]!
      assert.equal(row.traceId, ctx.traceId)
      assert.equal(row.parentSpanId, sent.parentSpanContext?.spanId ?? '')
      assert.equal(row.name, sent.name)
      assert.equal(row.kind, sent.kind + 1) // OTLP SpanKind = API SpanKind + 1
      assert.equal(nanos(row.startMs, row.startNanos), hrNanos(sent.startTime))
      assert.equal(nanos(row.endMs, row.endNanos), hrNanos(sent.endTime))
      assert.equal(row.statusCode, sent.status.code)
      assert.equal(row.statusMessage, sent.status.message ?? '')
      assert.deepEqual(
        row.events.map((e) => e.name),
        sent.events.map((e) => e.name),
      )
    }
  })
})

function decoded<B>(value: Uint8Array, kind: string): B {
  const res = decodeBatch(value)
  assert.ok(res.ok, res.ok ? '' : res.reason)
  assert.equal(res.batch.kind, kind)
  return res.batch as B
}

/** Exact nanoseconds of an HrTime. */
function hrNanos([s, ns]: readonly [number, number]): bigint {
  return BigInt(s) * 1_000_000_000n + BigInt(ns)
}

/** Exact nanoseconds of a stored (ms, ns-within-ms) time. */
function nanos(ms: number, withinMs: number): bigint {
  return BigInt(ms) * 1_000_000n + BigInt(withinMs)
}
