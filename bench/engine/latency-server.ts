/**
 * The server of the engine suite's latency cases, run as a child process:
 * `node dist/bench/engine/latency-server.js '<config JSON>'`. It is `vigil start` minus the API
 * listener, composed from the same components in the same order as `AllInOne` (src/pipeline): the
 * embedded log from the config's `log:` section, `IngestGateway` (`ingest:`, `auth: none`) and
 * `EngineHost` (`engine:`, `jobs:`) on that log. What `vigil start` cannot offer is added: the main
 * thread tails `vigil.results.rollups` read_committed (the server owns the log's directory lock, so
 * no other process can), every `TAIL_POLL_MS`, and prints one line per result record that became
 * visible: `visible <partition> <newest windowEnd> <epoch ms, sub-ms> <rows> <final rows> <samples>`,
 * samples = the count summed over the record's rows of the smallest window (each sample is in one).
 * `ready <ingest port>` once listening. SIGTERM shuts down in `AllInOne`'s order.
 */
import { pino } from 'pino'
import { Authenticator } from '../../src/auth/index.js'
import { decodeResultBatch } from '../../src/core/batch/index.js'
import { systemClock } from '../../src/core/index.js'
import { EngineHost } from '../../src/engine/host/engine-host.js'
import { resultTopic } from '../../src/engine/jobs/built-in/built-in-jobs.js'
import { INGEST_TOPICS, IngestGateway } from '../../src/ingest/http/index.js'
import { openEmbeddedLog } from '../../src/log/embedded/index.js'
import { parseAllInOneConfig } from '../../src/pipeline/index.js'

const TAIL_POLL_MS = 2

const nowMs = (): number => performance.timeOrigin + performance.now()

async function main(): Promise<void> {
  const config = parseAllInOneConfig(JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>)
  const logger = pino({ name: 'vigil', level: 'warn' }, pino.destination({ dest: 2, sync: true }))
  const log = await openEmbeddedLog(config.log)
  const ingest = new IngestGateway(config.ingest, {
    logger: logger.child({ component: 'ingest' }),
    clock: systemClock,
    log,
    auth: new Authenticator(config.auth, []),
  })
  await ingest.start()
  const engine = new EngineHost(log, {
    engine: config.engine,
    jobs: config.jobs,
    topics: INGEST_TOPICS,
    logger: logger.child({ component: 'engine' }),
  })
  await engine.start()

  const topic = resultTopic('rollups')
  const smallest = Math.min(...config.jobs.rollups.windows)
  const next = new Array<number>(config.engine.tasks).fill(0)
  let stopping = false
  const tail = (async () => {
    while (!stopping) {
      for (let p = 0; p < next.length; p++) {
        const res = await log.read(topic, p, next[p]!, { isolation: 'read_committed', maxBytes: 8 << 20 })
        const at = nowMs()
        const lines: string[] = []
        for (const r of res.records) {
          if (r.value === null) continue
          const d = decodeResultBatch(r.value)
          const rows = d.ok ? d.batch.rows : []
          let final = 0
          let samples = 0
          for (const row of rows) {
            if (row.final) final++
            if (row.windowMs === smallest && row.revision === 1) samples += row.count
          }
          lines.push(`visible ${p} ${r.timestampMs} ${at.toFixed(3)} ${rows.length} ${final} ${samples}\n`)
        }
        if (lines.length > 0) process.stdout.write(lines.join(''))
        next[p] = res.nextOffset
      }
      await new Promise((resolve) => setTimeout(resolve, TAIL_POLL_MS))
    }
  })()

  process.stdout.write(`ready ${ingest.address().port}\n`)
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()))
  stopping = true
  await tail
  await ingest.shutdown()
  await engine.shutdown()
  await log.close()
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `latency-server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    )
    process.exit(1)
  },
)
