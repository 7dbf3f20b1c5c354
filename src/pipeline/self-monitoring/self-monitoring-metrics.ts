import { Counter, Gauge } from 'prom-client'
import type { Registry } from 'prom-client'
import { scrapeOutcomes } from './self-monitoring.js'
import type { SelfMonitoringStatus } from './self-monitoring.js'

/**
 * Exports self-monitoring's own counters on /metrics, read from `status()` at scrape time (so they
 * also reach the self tenant, one scrape late):
 *
 * - `vigil_self_monitoring_scrapes_total{outcome}`: outcome appended | scrape_failed | append_failed;
 * - `vigil_self_monitoring_samples_appended_total`, `vigil_self_monitoring_samples_failed_total`;
 * - `vigil_self_monitoring_series_dropped_total`: series over `selfMonitoring.maxSeries`;
 * - `vigil_self_monitoring_series`: series in the last scrape;
 * - `vigil_self_monitoring_last_success_timestamp_seconds`: scrape time of the last stored scrape.
 *
 * The gauges read 0 before the first scrape.
 */
export function registerSelfMonitoringMetrics(registry: Registry, status: () => SelfMonitoringStatus): void {
  new Counter({
    name: 'vigil_self_monitoring_scrapes_total',
    help: 'Scrapes of the process’s own metrics into the self tenant, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      this.reset()
      const s = status()
      for (const outcome of scrapeOutcomes) this.inc({ outcome }, s.scrapes[outcome])
    },
  })
  const counter = (name: string, help: string, value: (s: SelfMonitoringStatus) => number): void => {
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
  counter(
    'vigil_self_monitoring_samples_appended_total',
    'Self samples appended to the metrics topic.',
    (s) => s.samplesAppended,
  )
  counter(
    'vigil_self_monitoring_samples_failed_total',
    'Self samples whose append failed (the next scrape reads the registry afresh).',
    (s) => s.samplesFailed,
  )
  counter(
    'vigil_self_monitoring_series_dropped_total',
    'Self series left out of a scrape because it had more than selfMonitoring.maxSeries.',
    (s) => s.seriesDropped,
  )
  const gauge = (name: string, help: string, value: (s: SelfMonitoringStatus) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(Math.max(0, value(status())))
      },
    })
  }
  gauge('vigil_self_monitoring_series', 'Series in the last self scrape.', (s) => s.lastSeries)
  gauge(
    'vigil_self_monitoring_last_success_timestamp_seconds',
    'Scrape time of the last self scrape that was stored.',
    (s) => s.lastSuccessMs / 1000,
  )
}
