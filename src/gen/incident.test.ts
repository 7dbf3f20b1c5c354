import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeRemoteWrite } from '../ingest/prometheus/index.js'
import { DEFAULT_GEN_OPTIONS } from './gen-options.js'
import type { GenOptions } from './gen-options.js'
import { IncidentSchedule, parseIncident } from './incident.js'
import { createPayloadBuilders } from './payload-builders.js'
import { attribute, decodeLogs, decodeTraces } from './testing/otlp-schema.js'

const START = 1_700_000_000_000
const SERVICES = ['frontend', 'checkout', 'payments', 'db', 'inventory']

test('incident specs parse with defaults, and bad ones are rejected', () => {
  assert.deepEqual(parseIncident('spike'), { kind: 'spike', atS: 60, service: undefined })
  assert.deepEqual(parseIncident('latency@120:payments'), { kind: 'latency', atS: 120, service: 'payments' })
  assert.deepEqual(parseIncident('new-log-pattern:db'), { kind: 'new-log-pattern', atS: 60, service: 'db' })
  assert.throws(() => parseIncident('meltdown@5'), /KIND\[@SECONDS\]\[:SERVICE\]/)
  assert.throws(() => parseIncident('spike@soon'), /expected KIND/)
  assert.throws(
    () => new IncidentSchedule([parseIncident('spike:nope')], SERVICES, START),
    /unknown service "nope"/,
  )
})

test('windows: spike lasts 10 s, latency 120 s, level-shift and new-log-pattern stay', () => {
  const s = new IncidentSchedule(
    ['spike@10', 'latency@10', 'level-shift@10', 'new-log-pattern@10:db'].map(parseIncident),
    SERVICES,
    START,
  )
  const at = (sec: number): number => START + sec * 1000
  assert.equal(s.isActive('spike', 1, at(9.9)), false)
  assert.equal(s.isActive('spike', 1, at(10)), true)
  assert.equal(s.isActive('spike', 1, at(20)), false)
  assert.equal(s.isActive('latency', 2, at(129)), true, 'latency defaults to the third service')
  assert.equal(s.isActive('latency', 2, at(130)), false)
  assert.equal(s.isActive('level-shift', 1, at(100_000)), true)
  assert.equal(s.isActive('new-log-pattern', 3, at(11)), true)
  assert.equal(s.isActive('new-log-pattern', 1, at(11)), false)
})

function options(over: Partial<GenOptions>): GenOptions {
  return { ...DEFAULT_GEN_OPTIONS, ...over }
}

/** Value of the one series matching name and labels in a remote_write request. */
function valueOf(body: Buffer, name: string, labels: Record<string, string>): number {
  const res = decodeRemoteWrite(body, 't')
  assert.ok(res.ok)
  const want = Object.entries({ __name__: name, ...labels })
  for (let i = 0; i < res.batch.length; i++) {
    const l = res.batch.series[res.batch.seriesIdx[i]!]!
    if (want.every(([k, v]) => l[l.indexOf(k) + 1] === v)) return res.batch.value[i]!
  }
  throw new Error(`no series ${name}`)
}

test('spike and level-shift bend exactly their series', () => {
  const o = options({ signals: ['metrics'], incidents: ['spike@5', 'level-shift@5'].map(parseIncident) })
  const b = createPayloadBuilders(o, START).metrics!
  const q: number[] = []
  const mem: number[] = []
  const other: number[] = []
  for (let sec = 0; sec < 20; sec++) {
    const p = b.build(sec + 1, START + sec * 1000, 2000)
    q.push(valueOf(p.body, 'queue_depth', { service: 'checkout', queue: 'jobs' }))
    mem.push(valueOf(p.body, 'process_resident_memory_bytes', { service: 'checkout' }))
    other.push(valueOf(p.body, 'queue_depth', { service: 'payments', queue: 'jobs' }))
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
  assert.ok(mean(q.slice(5, 15)) > 5 * mean(q.slice(0, 5)), `spike: ${q.join(' ')}`)
  assert.ok(mean(q.slice(15)) < 2 * mean(q.slice(0, 5)), 'the spike ends')
  assert.ok(mean(mem.slice(6)) > 1.4 * mean(mem.slice(0, 5)), 'memory shifts up and stays')
  assert.ok(mean(other.slice(5, 15)) < 2 * mean(other.slice(0, 5)), 'other services are untouched')
})

test('latency: slow, failing spans on the service and errors on its callers; error logs', () => {
  const o = options({ signals: ['traces', 'logs'], incidents: [parseIncident('latency@0:payments')] })
  const builders = createPayloadBuilders(o, START)
  const traces = decodeTraces(builders.traces!.build(1, START + 1000, 2000).body)
  const byService = new Map<string, { errors: number; total: number; durMs: number }>()
  for (const r of traces.resourceSpans) {
    const service = attribute(r.resource.attributes, 'service.name')?.stringValue ?? ''
    for (const span of r.scopeSpans.flatMap((s) => s.spans)) {
      if (span.kind !== 2) continue // server spans
      const e = byService.get(service) ?? { errors: 0, total: 0, durMs: 0 }
      e.total++
      if (span.status?.code === 2) e.errors++
      e.durMs += (span.endTimeUnixNano - span.startTimeUnixNano) / 1e6
      byService.set(service, e)
    }
  }
  const payments = byService.get('payments')!
  const checkout = byService.get('checkout')!
  const inventory = byService.get('inventory')!
  assert.ok(payments.errors / payments.total > 0.15, 'payments fails')
  assert.ok(checkout.errors / checkout.total > 0.15, 'its caller sees the errors')
  assert.ok(inventory.errors / inventory.total < 0.1, 'a service off the path does not')
  assert.ok(payments.durMs / payments.total > 20, 'payments is slow')

  const logs = decodeLogs(builders.logs!.build(2, START + 1000, 1000).body)
  const errorShare = (service: string): number => {
    const r = logs.resourceLogs.find(
      (x) => attribute(x.resource.attributes, 'service.name')?.stringValue === service,
    )!
    const records = r.scopeLogs.flatMap((s) => s.logRecords)
    return records.filter((x) => x.severityText === 'ERROR').length / records.length
  }
  assert.ok(errorShare('payments') > 0.15)
  assert.ok(errorShare('inventory') < 0.1)
})

test('new-log-pattern: a template never seen before appears on the service', () => {
  const o = options({ signals: ['logs'], incidents: [parseIncident('new-log-pattern@10:checkout')] })
  const b = createPayloadBuilders(o, START).logs!
  const bodies = (tsMs: number): string[] =>
    decodeLogs(b.build(1, tsMs, 2000).body).resourceLogs.flatMap((r) =>
      r.scopeLogs.flatMap((s) =>
        s.logRecords.map(
          (x) => `${attribute(r.resource.attributes, 'service.name')?.stringValue} ${x.body?.stringValue}`,
        ),
      ),
    )
  assert.equal(bodies(START).filter((l) => l.includes('Circuit breaker')).length, 0)
  const after = bodies(START + 11_000).filter((l) => l.includes('Circuit breaker'))
  assert.ok(after.length > 5)
  assert.ok(after.every((l) => l.startsWith('checkout ')))
})
