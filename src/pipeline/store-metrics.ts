import { Counter } from 'prom-client'
import type { Registry } from 'prom-client'
import type { StoreSinkStatus } from '../store/index.js'

/**
 * Exports the store sink's counters on /metrics, read at scrape time (no labels):
 *
 * - `vigil_store_records_consumed_total`: records (batches) read from the source topics;
 * - `vigil_store_rows_written_total`: rows committed to the store's tables;
 * - `vigil_store_records_dropped_total`: records not stored, each listed in `store_drops`;
 * - `vigil_store_transactions_total` and `vigil_store_failed_transactions_total` (rolled back, then
 *   retried from the same offset).
 *
 * They count since the process started (a restart is a counter reset).
 */
export function registerStoreMetrics(registry: Registry, status: () => StoreSinkStatus): void {
  const counter = (name: string, help: string, value: (s: StoreSinkStatus) => number): void => {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset()
        this.inc(value(status()))
      },
    })
  }
  counter('vigil_store_records_consumed_total', 'Records read by the store sink.', (s) => s.recordsConsumed)
  counter('vigil_store_rows_written_total', 'Rows committed to the store.', (s) => s.rowsWritten)
  counter(
    'vigil_store_records_dropped_total',
    'Records the store could not decode, each listed in store_drops with its reason.',
    (s) => s.recordsDropped,
  )
  counter('vigil_store_transactions_total', 'Store transactions committed.', (s) => s.transactions)
  counter(
    'vigil_store_failed_transactions_total',
    'Store transactions rolled back (retried from the same offset).',
    (s) => s.failedTransactions,
  )
}
