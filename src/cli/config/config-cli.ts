import { cac } from 'cac'
import type { CAC } from 'cac'
import { z } from 'zod'
import { parseAllInOneConfig } from '../../pipeline/index.js'
import { configureHelp } from '../help.js'
import { readConfigFile } from '../start/config-file.js'
import { writeStderr, writeStdout } from '../write.js'

/** `vigil config …`: work with the pipeline config file without starting anything. */
export function createConfigCli(version: string): CAC {
  const cli = cac('vigil config')
  cli
    .command('validate [file]', 'Check a config file: every problem with its path, or OK (exit code 0/1)')
    .option('--print', 'Print the effective configuration (defaults + file) as JSON')
    .example('  $ vigil config validate vigil.yaml')
    .example('  $ vigil config validate vigil.yaml --print | jq .jobs')
    .action((file: string | undefined, options: Record<string, unknown>) => validate(file, options))
  cli.usage('<command> [options]')
  configureHelp(cli, version)
  return cli
}

async function validate(
  file: string | undefined,
  options: Readonly<Record<string, unknown>>,
): Promise<number> {
  const input = file === undefined ? {} : readConfigFile(file)
  const where = file ?? '(defaults only)'
  let config
  try {
    config = parseAllInOneConfig(input)
  } catch (err) {
    if (!(err instanceof z.ZodError)) throw err
    const lines = err.issues.map((issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`)
    await writeStderr(
      `${where}: ${err.issues.length} problem${err.issues.length === 1 ? '' : 's'}\n${lines.join('\n')}\n`,
    )
    return 1
  }
  if (options['print'] === true) await writeStdout(`${JSON.stringify(config, null, 2)}\n`)
  await writeStderr(`${where}: OK\n`)
  return 0
}
