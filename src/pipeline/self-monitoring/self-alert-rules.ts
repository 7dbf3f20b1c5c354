/**
 * The built-in rules on Vigil's own metrics (docs/self-monitoring.md). They select the series
 * self-monitoring writes (every one has `job="vigil"`) and are meant to be evaluated for the
 * self tenant (`selfMonitoring.tenant`, default `vigil-self`). Metric names are the ones
 * registered in src/pipeline/*-metrics.ts, self-monitoring-metrics.ts and prom-client's defaults;
 * a sample's own `job` label (the engine job) is `exported_job` there (registry-to-batch.ts).
 *
 * A TS string rather than a .yaml asset: the build is `tsc` alone, which copies no assets into
 * dist/ (the only folder the package ships). docs/self-monitoring.md shows how to write it to a
 * file for Prometheus or `promtool check rules`.
 */
export const SELF_ALERT_RULES_YAML = `# Vigil's built-in alerting rules on its own metrics (self-monitoring tenant, job="vigil").
groups:
  - name: vigil-self.ingest
    rules:
      - alert: VigilIngestBackpressure
        expr: >-
          sum by (instance, reason) (rate(vigil_ingest_refused_requests_total{job="vigil",
          reason=~"overloaded|memory|consumer_lag|log_unavailable"}[1m])) > 0
        for: 2m
        labels:
          severity: warning
        annotations:
          summary: 'Vigil ingest on {{ $labels.instance }} answers 429/503 ({{ $labels.reason }}).'
          description: >-
            Ingest has refused requests for backpressure ({{ $labels.reason }}) for 2 minutes, at
            {{ $value | humanize }} requests/s: clients are retrying and data is delayed.

      - alert: VigilIngestDeadLetters
        expr: >-
          sum by (instance, tenant, signal, reason)
          (rate(vigil_ingest_dead_lettered_records_total{job="vigil"}[5m])) > 0
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: 'Tenant {{ $labels.tenant }} sends {{ $labels.signal }} that go to the dead-letter topic.'
          description: >-
            {{ $value | humanize }} records/s of tenant {{ $labels.tenant }} are dead-lettered
            ({{ $labels.reason }}) on {{ $labels.instance }}; see vigil.ingest.deadletter.

      - alert: VigilIngestRecordsDropped
        expr: >-
          sum by (instance, tenant, signal, reason)
          (rate(vigil_ingest_dropped_records_total{job="vigil"}[5m])) > 0
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: 'Vigil ingest on {{ $labels.instance }} drops {{ $labels.signal }} ({{ $labels.reason }}).'
          description: >-
            {{ $value | humanize }} records/s of tenant {{ $labels.tenant }} were neither stored nor
            dead-lettered ({{ $labels.reason }}) for 5 minutes.

      - alert: VigilConsumerLagGrowing
        expr: >-
          vigil_ingest_max_consumer_lag_records{job="vigil"} > 0
          and delta(vigil_ingest_max_consumer_lag_records{job="vigil"}[10m]) > 0
        for: 10m
        labels:
          severity: warning
        annotations:
          summary: 'Consumer lag on the ingest topics of {{ $labels.instance }} keeps growing.'
          description: >-
            The largest consumer-group lag is {{ $value | humanize }} records and has grown for
            10 minutes (measured only when ingest.limits.maxConsumerLagRecords > 0).

  - name: vigil-self.engine
    rules:
      - alert: VigilEngineWorkerRestarts
        expr: increase(vigil_engine_worker_restarts_total{job="vigil"}[10m]) > 0
        labels:
          severity: warning
        annotations:
          summary: 'An engine worker of {{ $labels.instance }} restarted.'
          description: >-
            {{ $value | humanize }} engine worker restarts in 10 minutes; each resumes from its last
            checkpoint. Look for the failure in the process log.

      - alert: VigilCheckpointSlow
        expr: >-
          max by (instance, exported_job)
          (quantile_over_time(0.99, vigil_engine_checkpoint_duration_seconds{job="vigil"}[10m])) > 2
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: 'Checkpoints of engine job {{ $labels.exported_job }} take over 2 s (p99).'
          description: >-
            The p99 of the sampled checkpoint commit durations of {{ $labels.exported_job }} over
            10 minutes is {{ $value | humanizeDuration }} on {{ $labels.instance }}.

      - alert: VigilEngineFallingBehind
        expr: >-
          time() - max by (instance, exported_job)
          (vigil_engine_watermark_seconds{job="vigil", exported_job="rollups"}) > 300
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: 'Engine job {{ $labels.exported_job }} on {{ $labels.instance }} is behind real time.'
          description: >-
            Its most advanced watermark is {{ $value | humanizeDuration }} old. Self-monitoring
            writes metrics every interval, so a healthy rollups job stays within its out-of-orderness.

      - alert: VigilEngineLateRecords
        expr: >-
          sum by (instance, exported_job, reason)
          (rate(vigil_engine_late_records_total{job="vigil"}[5m])) > 0
        for: 15m
        labels:
          severity: info
        annotations:
          summary: 'Engine job {{ $labels.exported_job }} receives records past the allowed lateness.'
          description: >-
            {{ $value | humanize }} records/s go to vigil.late.{{ $labels.exported_job }}
            ({{ $labels.reason }}); raise engine.allowedLateness or fix the senders' clocks.

  - name: vigil-self.store
    rules:
      - alert: VigilStoreTransactionsFailing
        expr: increase(vigil_store_failed_transactions_total{job="vigil"}[5m]) > 0
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: 'Store writes on {{ $labels.instance }} keep failing.'
          description: >-
            {{ $value | humanize }} store transactions rolled back in 5 minutes, for 5 minutes; the
            sink retries from the same offset, so queries fall behind.

      - alert: VigilStoreRecordsDropped
        expr: increase(vigil_store_records_dropped_total{job="vigil"}[10m]) > 0
        labels:
          severity: warning
        annotations:
          summary: 'The store on {{ $labels.instance }} dropped records it could not decode.'
          description: '{{ $value | humanize }} records in 10 minutes; each is listed in store_drops.'

  - name: vigil-self.process
    rules:
      - alert: VigilLogFsyncSlow
        expr: >-
          rate(vigil_log_fsync_seconds_total{job="vigil"}[5m])
          / rate(vigil_log_fsyncs_total{job="vigil"}[5m]) > 0.1
        for: 10m
        labels:
          severity: warning
        annotations:
          summary: 'fsync of the log on {{ $labels.instance }} takes {{ $value | humanizeDuration }} on average.'
          description: Appends are acknowledged after fsync; slow disks slow ingest down.

      - alert: VigilEventLoopLag
        expr: nodejs_eventloop_lag_p99_seconds{job="vigil"} > 0.5
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: 'The event loop of {{ $labels.instance }} lags {{ $value | humanizeDuration }} (p99).'
          description: Every request, append and query waits behind it.

      - alert: VigilSelfMonitoringFailing
        expr: increase(vigil_self_monitoring_scrapes_total{job="vigil", outcome!="appended"}[10m]) > 0
        labels:
          severity: warning
        annotations:
          summary: 'Self-monitoring of {{ $labels.instance }} failed ({{ $labels.outcome }}).'
          description: '{{ $value | humanize }} failed scrapes in 10 minutes; their samples are missing.'

      - alert: VigilSelfMonitoringSeriesDropped
        expr: increase(vigil_self_monitoring_series_dropped_total{job="vigil"}[15m]) > 0
        labels:
          severity: info
        annotations:
          summary: 'Self-monitoring of {{ $labels.instance }} drops series over selfMonitoring.maxSeries.'
          description: Raise selfMonitoring.maxSeries, or look for a label that grew.
`
