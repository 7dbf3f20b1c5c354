import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DuckDBConnection } from '@duckdb/node-api'
import { LogBatchBuilder, SpanBatchBuilder } from '../../../core/batch/index.js'
import type { Attributes, LogRow, SpanRow } from '../../../core/batch/index.js'
import { ManualClock } from '../../../core/testing/manual-clock.js'
import { StoreDatabase } from '../../../store/duckdb/store-database.js'
import { writeLogBatch, writeSpanBatch } from '../../../store/tables/telemetry-tables.js'

/** Test support: a store database in a temp dir, and logs and spans written with the store's writers. */

export const T0 = 1_700_000_000_000

/** Opens a store in a fresh temp dir, runs `fn` with it and a query connection, then removes it. */
export async function withStore(
  fn: (db: StoreDatabase, c: DuckDBConnection) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-query-'))
  const db = await StoreDatabase.open(join(dir, 'store', 'vigil.duckdb'), { clock: new ManualClock(T0) })
  const c = await db.connect()
  try {
    await fn(db, c)
  } finally {
    c.closeSync()
    db.close()
    await rm(dir, { recursive: true, force: true })
  }
}

/** A log row for tests: the LogRow fields (resource excluded) plus its service and resource attributes. */
export type TestLog = Partial<Omit<LogRow, 'resource'>> & { service?: string; resourceAttrs?: Attributes }

/** Writes `logs` of `tenant` as one ingest record at (`partition`, `offset`). */
export async function writeLogs(
  db: StoreDatabase,
  tenant: string,
  logs: readonly TestLog[],
  at: { partition?: number; offset?: number } = {},
): Promise<void> {
  const b = new LogBatchBuilder(tenant)
  for (const l of logs) {
    const service = l.service ?? 'api'
    const resource = b.resource(service, l.resourceAttrs ?? ['service.name', service], 'lib', '1.0')
    b.add({
      resource,
      timeMs: l.timeMs ?? T0,
      timeNanos: l.timeNanos ?? 0,
      observedTimeMs: l.observedTimeMs ?? T0,
      observedTimeNanos: l.observedTimeNanos ?? 0,
      severityNumber: l.severityNumber ?? 9,
      severityText: l.severityText ?? 'INFO',
      body: l.body ?? 'hello',
      attributes: l.attributes ?? [],
      traceId: l.traceId ?? '',
      spanId: l.spanId ?? '',
      flags: l.flags ?? 0,
    })
  }
  await writeLogBatch(db.connection, b.build(), at.partition ?? 0, at.offset ?? 0)
}

/** A span for tests: the SpanRow fields (resource excluded) plus its service. */
export type TestSpan = Partial<Omit<SpanRow, 'resource'>> & { service?: string }

/** Writes `spans` of `tenant` as one ingest record at (`partition`, `offset`). */
export async function writeSpans(
  db: StoreDatabase,
  tenant: string,
  spans: readonly TestSpan[],
  at: { partition?: number; offset?: number } = {},
): Promise<void> {
  const b = new SpanBatchBuilder(tenant)
  for (const s of spans) {
    const service = s.service ?? 'api'
    const startMs = s.startMs ?? T0
    b.add({
      resource: b.resource(service, ['service.name', service]),
      traceId: s.traceId ?? 'a'.repeat(32),
      spanId: s.spanId ?? '1'.repeat(16),
      parentSpanId: s.parentSpanId ?? '',
      traceState: s.traceState ?? '',
      name: s.name ?? 'GET /',
      kind: s.kind ?? 2,
      startMs,
      startNanos: s.startNanos ?? 0,
      endMs: s.endMs ?? startMs + 10,
      endNanos: s.endNanos ?? 0,
      statusCode: s.statusCode ?? 0,
      statusMessage: s.statusMessage ?? '',
      attributes: s.attributes ?? [],
      events: s.events ?? [],
      links: s.links ?? [],
      flags: s.flags ?? 0,
    })
  }
  await writeSpanBatch(db.connection, b.build(), at.partition ?? 0, at.offset ?? 0)
}
