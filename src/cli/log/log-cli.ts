import { cac } from 'cac'
import type { CAC } from 'cac'
import { configureHelp } from '../help.js'
import { registerDumpCommand } from './dump-command.js'
import { registerInspectCommand } from './inspect-command.js'

/** `vigil log …`: commands that work on the durable log directly. A separate parser, so that
 * `vigil log --help` lists its subcommands (cac matches one word per command). */
export function createLogCli(version: string): CAC {
  const cli = cac('vigil log')
  registerInspectCommand(cli)
  registerDumpCommand(cli)
  cli.usage('<command> [options]')
  configureHelp(cli, version)
  return cli
}
