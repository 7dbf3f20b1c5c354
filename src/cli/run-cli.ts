import type { CAC } from 'cac'
import { createArchiveCli } from './archive/archive-cli.js'
import { createConfigCli } from './config/config-cli.js'
import { createEvalCli } from './eval/eval-cli.js'
import { createKeysCli } from './keys/keys-cli.js'
import { createLogCli } from './log/log-cli.js'
import { createReplayCli } from './replay/replay-cli.js'
import { packageVersion } from './package-version.js'
import { formatCommandError } from './report-error.js'
import { createRootCli } from './root-cli.js'
import { UsageError } from './usage-error.js'
import { writeStderr } from './write.js'

/**
 * Runs one CLI invocation (`args` without `node` and the script) and resolves with the exit code:
 * 0 on success or help, 1 on any error (printed to stderr first). Never calls `process.exit`; the
 * entry point does, with this code.
 */
/** Command groups with their own parser, so `vigil <group> --help` lists their subcommands. */
const groups: Readonly<Record<string, (version: string) => CAC>> = {
  log: createLogCli,
  keys: createKeysCli,
  config: createConfigCli,
  replay: createReplayCli,
  archive: createArchiveCli,
  eval: createEvalCli,
}

export async function runCli(args: readonly string[]): Promise<number> {
  const version = packageVersion()
  const group = args[0] !== undefined && Object.hasOwn(groups, args[0]) ? args[0] : undefined
  const cli = group === undefined ? createRootCli(version) : groups[group]!(version)
  const name = group === undefined ? 'vigil' : `vigil ${group}`
  try {
    return await runParsed(cli, name, group === undefined ? args : args.slice(1))
  } catch (err) {
    const command = cli.matchedCommandName === undefined ? name : `${name} ${cli.matchedCommandName}`
    await writeStderr(formatCommandError(err, `Run "${command} --help" for usage.`))
    return 1
  }
}

async function runParsed(cli: CAC, name: string, args: readonly string[]): Promise<number> {
  cli.parse(['node', name, ...args], { run: false })
  if (cli.options['help'] === true) return 0 // cac printed it
  if (cli.options['version'] === true) {
    if (cli.matchedCommandName !== undefined) cli.outputVersion() // cac prints it only without a command
    return 0
  }
  const command = cli.matchedCommand
  if (command === undefined) {
    if (cli.args.length > 0) throw new UsageError(`unknown command "${cli.args[0]}"; run "${name} --help".`)
    cli.outputHelp()
    await writeStderr(`\n${name}: a command is required.\n`)
    return 1
  }
  if (cli.args.length > command.args.length) {
    throw new UsageError(`${name} ${command.name} takes no argument "${cli.args[command.args.length]}".`)
  }
  const result: unknown = await cli.runMatchedCommand()
  return typeof result === 'number' ? result : 0
}
