import { Counter, Gauge } from 'prom-client'
import type { Registry } from 'prom-client'
import type { EngineStatus } from '../engine/host/engine-host.js'

/**
 * Exports the engine's task status on /metrics, read from the host at scrape time:
 *
 * - `vigil_engine_records_read_total{job,task}`: input records (batches) read;
 * - `vigil_engine_late_records_total{job,reason}`: records past the allowed lateness (also on the
 *   `vigil.late.<job>` topic);
 * - `vigil_engine_operator_events_total{job,event}`: other operator counts (duplicate spans, …);
 * - `vigil_engine_epoch{job,task}`, `vigil_engine_watermark_seconds{job,task}`;
 * - `vigil_engine_checkpoint_duration_seconds{job,task}` and `vigil_engine_checkpoint_bytes{job,task}`
 *   of the last commit;
 * - `vigil_engine_worker_restarts_total`.
 *
 * Counters restart from zero when a worker restarts (Prometheus treats that as a counter reset).
 * Labels are bounded by the number of jobs × tasks and the operators' fixed reasons.
 */
export function registerEngineMetrics(registry: Registry, status: () => EngineStatus): void {
  const perTask = (
    name: string,
    help: string,
    value: (t: EngineStatus['tasks'][number]) => number,
    kind: 'counter' | 'gauge',
  ): void => {
    const Metric = kind === 'counter' ? Counter : Gauge
    new Metric({
      name,
      help,
      labelNames: ['job', 'task'],
      registers: [registry],
      collect() {
        this.reset()
        for (const t of status().tasks) {
          const v = value(t)
          if (Number.isFinite(v)) (this as Gauge).inc({ job: t.job, task: String(t.task) }, v)
        }
      },
    })
  }
  perTask(
    'vigil_engine_records_read_total',
    'Input records (batches) read by each task.',
    (t) => t.recordsRead,
    'counter',
  )
  perTask(
    'vigil_engine_epoch',
    'The epoch each task is in (epochs before it are committed).',
    (t) => t.epoch,
    'gauge',
  )
  perTask(
    'vigil_engine_watermark_seconds',
    'Each task’s event-time watermark.',
    (t) => t.watermarkMs / 1000,
    'gauge',
  )
  perTask(
    'vigil_engine_checkpoint_duration_seconds',
    'Duration of each task’s last checkpoint commit.',
    (t) => t.lastCommitMs / 1000,
    'gauge',
  )
  perTask(
    'vigil_engine_checkpoint_bytes',
    'Size of each task’s last state snapshot.',
    (t) => t.lastSnapshotBytes,
    'gauge',
  )

  new Counter({
    name: 'vigil_engine_late_records_total',
    help: 'Records later than the allowed lateness, sent to vigil.late.<job>, by job and reason.',
    labelNames: ['job', 'reason'],
    registers: [registry],
    collect() {
      this.reset()
      for (const t of status().tasks) {
        for (const [name, n] of t.counters) {
          if (name.startsWith('side.late.'))
            this.inc({ job: t.job, reason: name.slice('side.late.'.length) }, n)
        }
      }
    },
  })
  new Counter({
    name: 'vigil_engine_operator_events_total',
    help: 'What operators counted (duplicate spans, undecodable records, …), by job and event.',
    labelNames: ['job', 'event'],
    registers: [registry],
    collect() {
      this.reset()
      for (const t of status().tasks) {
        for (const [name, n] of t.counters)
          if (!name.startsWith('side.')) this.inc({ job: t.job, event: name }, n)
      }
    },
  })
  new Counter({
    name: 'vigil_engine_worker_restarts_total',
    help: 'Engine worker threads restarted after a failure.',
    registers: [registry],
    collect() {
      this.reset()
      this.inc(status().restarts)
    },
  })
}
