import type { DuckDBConnection } from '@duckdb/node-api'

/** A silence as the store keeps it (the alerting module's `Silence`, structurally). */
export interface StoredSilence {
  readonly id: string
  readonly tenant: string
  readonly matchers: readonly { readonly name: string; readonly type: string; readonly value: string }[]
  readonly startsAtMs: number
  readonly endsAtMs: number
  readonly createdBy: string
  readonly comment: string
  readonly updatedAtMs: number
}

/** Writes (creates or replaces) silences, in one transaction; resolves once committed. */
export async function saveSilences(
  connection: DuckDBConnection,
  silences: readonly StoredSilence[],
): Promise<void> {
  if (silences.length === 0) return
  await connection.run('BEGIN TRANSACTION')
  try {
    for (const s of silences) {
      await connection.run('INSERT OR REPLACE INTO silences VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        s.tenant,
        s.id,
        JSON.stringify(s.matchers),
        s.startsAtMs,
        s.endsAtMs,
        s.createdBy,
        s.comment,
        s.updatedAtMs,
      ])
    }
    await connection.run('COMMIT')
  } catch (err) {
    await connection.run('ROLLBACK').catch(() => undefined)
    throw err
  }
}

/** The silences that ended at or after `sinceMs` (older ones are of no use after a restart), and deletes the rest. */
export async function loadSilences(connection: DuckDBConnection, sinceMs: number): Promise<StoredSilence[]> {
  await connection.run('DELETE FROM silences WHERE ends_at_ms < $1', [sinceMs])
  const reader = await connection.runAndReadAll(
    'SELECT tenant, id, matchers, starts_at_ms, ends_at_ms, created_by, comment, updated_at_ms FROM silences ORDER BY tenant, updated_at_ms',
  )
  return reader.getRows().map(([tenant, id, matchers, starts, ends, by, comment, updated]) => ({
    tenant: String(tenant),
    id: String(id),
    matchers: JSON.parse(String(matchers)) as StoredSilence['matchers'],
    startsAtMs: Number(starts),
    endsAtMs: Number(ends),
    createdBy: String(by),
    comment: String(comment),
    updatedAtMs: Number(updated),
  }))
}
