import { resolve } from 'node:path'
import type { CAC } from 'cac'
import { z } from 'zod'
import { AllInOne, parseAllInOneConfig } from '../../pipeline/index.js'
import type { AllInOneConfig } from '../../pipeline/index.js'
import { createCliLogger } from '../logger.js'
import { UsageError } from '../usage-error.js'
import { writeStderr } from '../write.js'
import { readConfigFile } from './config-file.js'
import { listenForShutdownSignals } from './shutdown-signals.js'
import { configInputFromFlags, describeConfigError, startFlags } from './start-flags.js'
import { formatStartupHint } from './startup-hint.js'

/** Exit code when a second signal cuts a graceful shutdown short. */
const FORCED_EXIT_CODE = 1

export function registerStartCommand(cli: CAC, version: string): void {
  const command = cli.command(
    'start',
    'Run the all-in-one process: embedded log, ingest listener (:4318) and HTTP API (:8080)',
  )
  command.option(
    '--config <file>',
    'YAML or JSON config file (sections api, ingest, auth, log); flags override it',
  )
  for (const flag of startFlags) command.option(flag.rawName, flag.description)
  command
    .example('  $ vigil start')
    .example('  $ vigil start --config vigil.yaml --auth keys')
    .example('  $ vigil start --data-dir /var/lib/vigil --ingest-port 4318 --api-port 9090 --fsync always')
    .action((options: Record<string, unknown>) => runStart(options, version))
}

/** Resolves with the exit code once Vigil has shut down after SIGINT/SIGTERM. */
async function runStart(options: Readonly<Record<string, unknown>>, version: string): Promise<number> {
  const config = startConfig(options)
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
    const signal = early ?? (await signals.received)
    logger.info({ signal }, 'Received a shutdown signal; shutting down.')
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
