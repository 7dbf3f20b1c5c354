import { resolve } from 'node:path'
import type { CAC } from 'cac'
import { z } from 'zod'
import type { Logger } from 'pino'
import { systemClock } from '../../core/index.js'
import { DEMO_GEN_OPTIONS, runGenerator } from '../../gen/index.js'
import { AllInOne, parseAllInOneConfig } from '../../pipeline/index.js'
import type { AllInOneConfig } from '../../pipeline/index.js'
import { createCliLogger } from '../logger.js'
import { UsageError } from '../usage-error.js'
import { writeStderr } from '../write.js'
import { readConfigFile } from './config-file.js'
import { listenForShutdownSignals } from './shutdown-signals.js'
import { configInputFromFlags, describeConfigError, startFlags } from './start-flags.js'
import { formatStartupHint, urlHost } from './startup-hint.js'

/** Exit code when a second signal cuts a graceful shutdown short. */
const FORCED_EXIT_CODE = 1

export function registerStartCommand(cli: CAC, version: string): void {
  const command = cli.command(
    'start',
    'Run the all-in-one process: embedded log, ingest listener (:4318) and HTTP API (:8080)',
  )
  command.option(
    '--config <file>',
    'YAML or JSON config file (sections api, ingest, auth, log, engine, jobs); flags override it',
  )
  for (const flag of startFlags) command.option(flag.rawName, flag.description)
  command.option('--demo', 'Also run the load generator in-process at a gentle rate (needs --auth none)')
  command
    .example('  $ vigil start')
    .example('  $ vigil start --demo')
    .example('  $ vigil start --config vigil.yaml --auth keys')
    .example('  $ vigil start --data-dir /var/lib/vigil --ingest-port 4318 --api-port 9090 --fsync always')
    .action((options: Record<string, unknown>) => runStart(options, version))
}

/** Resolves with the exit code once Vigil has shut down after SIGINT/SIGTERM. */
async function runStart(options: Readonly<Record<string, unknown>>, version: string): Promise<number> {
  const config = startConfig(options)
  const demo = options['demo'] === true
  if (demo && config.auth.mode !== 'none') {
    throw new UsageError('--demo sends unauthenticated traffic and needs --auth none (the default)')
  }
  const logger = createCliLogger({ fd: 1 })
  const signals = listenForShutdownSignals((signal) => {
    writeStderr(`vigil: ${signal} again during shutdown; exiting now.\n`)
    process.exit(FORCED_EXIT_CODE)
  })
  const app = new AllInOne(config, { logger })
  try {
    const started = app.start().then(() => undefined)
    const early = await Promise.race([started, signals.received])
    if (early === undefined) {
      writeStderr(
        formatStartupHint({
          version,
          api: app.apiAddress(),
          ingest: app.ingestAddress(),
          auth: config.auth.mode,
          dataDir: resolve(config.log.dataDir),
          fsync: config.log.fsync,
        }),
      )
    }
    const demoRun = early === undefined && demo ? startDemo(app, logger) : undefined
    const signal = early ?? (await signals.received)
    logger.info({ signal }, 'Received a shutdown signal; shutting down.')
    await demoRun?.stop()
    await app.shutdown()
    logger.info('Vigil stopped.')
    return 0
  } finally {
    signals.dispose()
  }
}

function startConfig(options: Readonly<Record<string, unknown>>): AllInOneConfig {
  const input = configInputFromFlags(options)
  const file = typeof options['config'] === 'string' ? readConfigFile(options['config']) : {}
  try {
    return parseAllInOneConfig(file, input)
  } catch (err) {
    if (err instanceof z.ZodError) throw new UsageError(describeConfigError(err, input), 'INVALID_CONFIG')
    throw err
  }
}

/**
 * `--demo`: the load generator inside the process, sending a gentle mix of metrics, logs and traces
 * (DEMO_GEN_OPTIONS) to the ingest listener until shutdown.
 */
function startDemo(app: AllInOne, logger: Logger): { stop(): Promise<void> } {
  const ac = new AbortController()
  const { host, port } = app.ingestAddress()
  const url = `http://${urlHost(host)}:${port}`
  logger.info(
    { url, rate: DEMO_GEN_OPTIONS.rate },
    'Demo traffic: the load generator is sending to the ingest listener.',
  )
  writeStderr(
    `  Demo       sending synthetic metrics, logs and traces to ${url} (${DEMO_GEN_OPTIONS.rate} records/s per signal)\n`,
  )
  const done = runGenerator({ ...DEMO_GEN_OPTIONS, url }, { clock: systemClock, signal: ac.signal }).catch(
    (err: unknown) => {
      logger.error({ err }, 'The demo load generator stopped.')
    },
  )
  return {
    async stop() {
      ac.abort()
      await done
    },
  }
}
