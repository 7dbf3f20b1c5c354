import type { CAC } from 'cac'
import { systemClock } from '../../core/index.js'
import { formatSummary, resolveGenOptions, runGenerator } from '../../gen/index.js'
import { UsageError } from '../usage-error.js'
import { writeStderr } from '../write.js'
import { genFlags, genInputFromFlags } from './gen-flags.js'
import { createProgressReporter } from './progress-reporter.js'

/** Exit code when a second Ctrl-C cuts the wait for in-flight requests short. */
const FORCED_EXIT_CODE = 130

export function registerGenCommand(cli: CAC): void {
  const command = cli.command(
    'gen',
    'Send realistic metrics, logs and traces to a Vigil ingest listener (load generator)',
  )
  for (const [rawName, description] of genFlags) command.option(rawName, description)
  command
    .example('  $ vigil gen --rate 5000 --duration 60')
    .example('  $ vigil gen --signals metrics --metrics-protocol otlp --rate 0 --concurrency 8')
    .example('  $ vigil gen --incident latency@120:payments --incident new-log-pattern@300')
    .example('  $ vigil gen --signals metrics --rate 20000 --ack-file acks.ndjson')
    .action((flags: Record<string, unknown>) => runGen(flags))
}

/**
 * Runs until `--duration` or SIGINT/SIGTERM (a second one exits at once). Resolves with 0, or 1
 * when requests were sent and none was acknowledged (nothing reached Vigil).
 */
async function runGen(flags: Readonly<Record<string, unknown>>): Promise<number> {
  const input = genInputFromFlags(flags)
  let options
  try {
    options = resolveGenOptions(input)
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const isQuiet = flags['quiet'] === true
  const reporter = createProgressReporter(process.stderr)
  const ac = new AbortController()
  const onSignal = (): void => {
    if (ac.signal.aborted) process.exit(FORCED_EXIT_CODE)
    ac.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    const summary = await runGenerator(options, {
      clock: systemClock,
      signal: ac.signal,
      ...(isQuiet ? {} : { onProgress: reporter.onProgress }),
    })
    reporter.finish()
    if (!isQuiet) await writeStderr(formatSummary(summary))
    return summary.requestsOk === 0 && summary.requestsFailed > 0 ? 1 : 0
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
