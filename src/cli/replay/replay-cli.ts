import { resolve } from 'node:path'
import { cac } from 'cac'
import type { CAC } from 'cac'
import { systemClock } from '../../core/index.js'
import { builtInJobs, builtInJobNames, resultTopic } from '../../engine/jobs/built-in/built-in-jobs.js'
import { parseReplayBound } from '../../engine/replay/replay-bound.js'
import { ReplayCatalog } from '../../engine/replay/replay-catalog.js'
import { Replay } from '../../engine/replay/replay.js'
import { INGEST_TOPICS } from '../../ingest/http/index.js'
import { openEmbeddedLog } from '../../log/embedded/index.js'
import type { EmbeddedLog } from '../../log/embedded/index.js'
import { parseAllInOneConfig } from '../../pipeline/index.js'
import type { AllInOneConfig } from '../../pipeline/index.js'
import { configureHelp } from '../help.js'
import { createCliLogger } from '../logger.js'
import { readConfigFile } from '../start/config-file.js'
import { listenForShutdownSignals } from '../start/shutdown-signals.js'
import { formatTable } from '../text-table.js'
import { UsageError } from '../usage-error.js'
import { writeStderr, writeStdout } from '../write.js'
import { formatReplayProgress } from './replay-progress.js'

/** `vigil replay …`: reprocess retained input into a new versioned output, list, switch over. */
export function createReplayCli(version: string): CAC {
  const cli = cac('vigil replay')
  cli
    .command(
      '',
      'Replay a job over retained input into vigil.results.<job>.v<N> (the live output is untouched)',
    )
    .option('--job <name>', `Job to replay: ${builtInJobNames.join(', ')} (required)`)
    .option(
      '--from <bound>',
      'Where to start: earliest, an ISO time, a duration ago (2h) or offset:N (required)',
    )
    .option('--to <bound>', 'Where to stop: latest (default), an ISO time, a duration ago or offset:N')
    .option('--resume <version>', 'Continue an interrupted replay (see `vigil replay list`)')
    .option('--config <file>', 'Pipeline config (YAML/JSON) whose engine and jobs settings to use')
    .option('--data-dir <dir>', 'Data directory of the log (default: the config’s, ./vigil-data)')
    .example('  $ vigil replay --job rollups --from earliest')
    .example('  $ vigil replay --job red --from 2026-12-03T08:00:00Z --to 2026-12-03T09:00:00Z')
    .action((options: Record<string, unknown>) => runReplay(options))
  cli
    .command('list', 'Replays with their state and bounds, and which output each job serves')
    .option('--config <file>', 'Pipeline config (YAML/JSON)')
    .option('--data-dir <dir>', 'Data directory of the log')
    .action((options: Record<string, unknown>) => listReplays(options))
  cli
    .command('switch', 'Make readers use a replay’s output (or the live one again) for a job')
    .option('--job <name>', 'Job (required)')
    .option('--use <n|live>', 'A complete replay version, or live (required)')
    .option('--config <file>', 'Pipeline config (YAML/JSON)')
    .option('--data-dir <dir>', 'Data directory of the log')
    .example('  $ vigil replay switch --job rollups --use 2')
    .action((options: Record<string, unknown>) => switchOutput(options))
  cli.usage('[command] [options]')
  configureHelp(cli, version)
  return cli
}

function loadConfig(options: Readonly<Record<string, unknown>>): AllInOneConfig {
  const file = options['config']
  const input = typeof file === 'string' ? readConfigFile(file) : {}
  const dataDir = options['dataDir']
  return parseAllInOneConfig(input, typeof dataDir === 'string' ? { log: { dataDir: resolve(dataDir) } } : {})
}

function stringOption(options: Readonly<Record<string, unknown>>, name: string, flag: string): string {
  const v = options[name]
  if (typeof v !== 'string' && typeof v !== 'number') throw new UsageError(`${flag} is required`)
  return String(v)
}

async function withLog<T>(config: AllInOneConfig, fn: (log: EmbeddedLog) => Promise<T>): Promise<T> {
  const logger = createCliLogger({ fd: 2, level: 'warn' }).child({ component: 'log' })
  const log = await openEmbeddedLog(config.log, { onEvent: ({ level, msg, ...f }) => logger[level](f, msg) })
  try {
    return await fn(log)
  } finally {
    await log.close()
  }
}

async function runReplay(options: Readonly<Record<string, unknown>>): Promise<number> {
  const config = loadConfig(options)
  const jobName = stringOption(options, 'job', '--job')
  const job = builtInJobs(config.jobs, config.engine, INGEST_TOPICS).find((j) => j.name === jobName)
  if (job === undefined) {
    throw new UsageError(`--job ${jobName}: not an enabled job; jobs: ${builtInJobNames.join(', ')}`)
  }
  const now = systemClock.nowMs()
  const resumeRaw = options['resume']
  const resume = resumeRaw === undefined ? undefined : Number(resumeRaw)
  if (resume !== undefined && !(Number.isSafeInteger(resume) && resume > 0)) {
    throw new UsageError(`--resume: expected a version number, got ${JSON.stringify(resumeRaw)}`)
  }
  const from = parseReplayBound(
    resume === undefined ? stringOption(options, 'from', '--from') : 'earliest',
    now,
    '--from',
  )
  const to = parseReplayBound(typeof options['to'] === 'string' ? options['to'] : 'latest', now, '--to')
  return withLog(config, async (log) => {
    const replay = new Replay(
      log,
      { job, engine: config.engine, from, to, ...(resume === undefined ? {} : { resume }) },
      systemClock,
    )
    // First Ctrl-C: stop after the current poll and commit (resumable); a second one exits at once.
    const signals = listenForShutdownSignals(() => process.kill(process.pid, 'SIGKILL'))
    void signals.received.then(() => replay.stop())
    const tty = process.stderr.isTTY === true
    let lastLine = Number.NEGATIVE_INFINITY
    try {
      const outcome = await replay.run((p) => {
        if (tty) process.stderr.write(`\r\x1b[2K${formatReplayProgress(p)}`)
        else if (p.elapsedMs - lastLine >= 5_000) {
          lastLine = p.elapsedMs
          process.stderr.write(`${formatReplayProgress(p)}\n`)
        }
      })
      if (tty) process.stderr.write('\n')
      else process.stderr.write(`${formatReplayProgress(outcome)}\n`)
      if (!outcome.complete) {
        await writeStderr(
          `Interrupted: replay v${outcome.version} of ${job.name} committed ${outcome.done} of ${outcome.total} batches. ` +
            `Continue with: vigil replay --job ${job.name} --resume ${outcome.version}\n`,
        )
        return 130
      }
      await writeStdout(
        `Replay v${outcome.version} of ${job.name} is complete: ${outcome.total} input batches → ${outcome.outputTopic}.\n` +
          `The live output ${resultTopic(job.name)} is untouched. Switch readers with: ` +
          `vigil replay switch --job ${job.name} --use ${outcome.version}\n`,
      )
      return 0
    } finally {
      signals.dispose()
    }
  })
}

async function listReplays(options: Readonly<Record<string, unknown>>): Promise<number> {
  const config = loadConfig(options)
  return withLog(config, async (log) => {
    const catalog = new ReplayCatalog(log)
    await catalog.ensureTopics()
    const serving = await catalog.serving()
    const rows = (await catalog.replays()).map((r) => [
      r.job,
      `v${r.version}`,
      r.state,
      r.outputTopic,
      r.startedAt,
      r.completedAt ?? '',
      serving.get(r.job)?.topic === r.outputTopic ? 'yes' : '',
    ])
    await writeStdout(
      rows.length === 0
        ? 'No replays yet. Start one with: vigil replay --job rollups --from earliest\n'
        : formatTable(
            ['JOB', 'VERSION', 'STATE', 'OUTPUT', 'STARTED', 'COMPLETED', 'SERVING'].map((header) => ({
              header,
            })),
            rows,
          ),
    )
    return 0
  })
}

async function switchOutput(options: Readonly<Record<string, unknown>>): Promise<number> {
  const config = loadConfig(options)
  const job = stringOption(options, 'job', '--job')
  const raw = stringOption(options, 'use', '--use')
  return withLog(config, async (log) => {
    const catalog = new ReplayCatalog(log)
    await catalog.ensureTopics()
    const at = new Date(systemClock.nowMs()).toISOString()
    if (raw === 'live') {
      await catalog.putServing(
        { job, topic: resultTopic(job), version: null, switchedAt: at },
        systemClock.nowMs(),
      )
      await writeStdout(`${job}: readers now use the live output ${resultTopic(job)}.\n`)
      return 0
    }
    const version = Number(raw)
    const r = (await catalog.replays()).find((x) => x.job === job && x.version === version)
    if (r === undefined) throw new UsageError(`no replay v${raw} of ${job}; see vigil replay list`)
    if (r.state !== 'complete') {
      throw new UsageError(
        `replay v${version} of ${job} is not complete; resume it first: vigil replay --job ${job} --resume ${version}`,
      )
    }
    await catalog.putServing({ job, topic: r.outputTopic, version, switchedAt: at }, systemClock.nowMs())
    await writeStdout(`${job}: readers now use ${r.outputTopic} (replay v${version}).\n`)
    return 0
  })
}
