import { cac } from 'cac'
import type { CAC } from 'cac'
import { registerGenCommand } from './gen/gen-command.js'
import { configureHelp } from './help.js'
import { registerStartCommand } from './start/start-command.js'

/** `vigil …`: the top-level parser. `log` is only listed here; `run-cli.ts` routes it to its own. */
export function createRootCli(version: string): CAC {
  const cli = cac('vigil')
  registerStartCommand(cli, version)
  registerGenCommand(cli)
  cli.command('log <command>', 'Work with the durable log: `vigil log inspect` (see `vigil log --help`)')
  cli.command(
    'config <command>',
    'Check a pipeline config file: `vigil config validate FILE` (see `vigil config --help`)',
  )
  cli.command(
    'replay [command]',
    'Reprocess retained input with a job into a new versioned output: `vigil replay --job rollups --from earliest`',
  )
  cli.command('keys <command>', 'API keys for --auth keys: create, list, revoke (see `vigil keys --help`)')
  cli.command(
    'archive <command>',
    'The Parquet archive of expired store days: list, restore (see `vigil archive --help`)',
  )
  cli.command(
    'eval <command>',
    'Evaluate the anomaly detectors on labelled data: `vigil eval metrics --in DIR --out DIR` (see `vigil eval --help`)',
  )
  cli.usage('<command> [options]')
  configureHelp(cli, version)
  return cli
}
