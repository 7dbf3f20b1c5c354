import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { cac } from 'cac'
import type { CAC } from 'cac'
import {
  KEYS_FILE_NAME,
  generateApiKey,
  isValidTenant,
  readKeysFile,
  scopes,
  writeKeysFile,
} from '../../auth/index.js'
import type { Scope, StoredKey } from '../../auth/index.js'
import { DEFAULT_DATA_DIR } from '../../pipeline/index.js'
import { configureHelp } from '../help.js'
import { formatTable } from '../text-table.js'
import { UsageError } from '../usage-error.js'
import { writeStderr, writeStdout } from '../write.js'

/**
 * `vigil keys …`: API keys for `--auth keys`. Keys are kept hashed in `<data-dir>/keys.json` (or
 * `--keys-file`); the plaintext key is printed once by `create` and never stored. A running
 * `vigil start` reads the file when it starts: restart it after a change.
 */
export function createKeysCli(version: string): CAC {
  const cli = cac('vigil keys')
  const fileOptions = (c: ReturnType<CAC['command']>): ReturnType<CAC['command']> =>
    c
      .option(
        '--data-dir <dir>',
        `Data dir whose ${KEYS_FILE_NAME} holds the keys (default: ${DEFAULT_DATA_DIR})`,
      )
      .option('--keys-file <file>', 'Use this keys file instead (as auth.keysFile in the config)')
  fileOptions(cli.command('create', 'Create an API key for a tenant and print it once'))
    .option('--tenant <tenant>', 'Tenant the key writes as (required)')
    .option('--scopes <list>', `Comma-separated: ${scopes.join(', ')} (default: ingest)`)
    .option('--description <text>', 'A note for `vigil keys list`')
    .example('  $ vigil keys create --tenant acme --scopes ingest,query')
    .action((options: Record<string, unknown>) => createKey(options))
  fileOptions(cli.command('list', 'List keys (ids, tenants, scopes; never the keys)')).action(
    (options: Record<string, unknown>) => listKeys(options),
  )
  fileOptions(cli.command('revoke <id>', 'Delete a key by id')).action(
    (id: string, options: Record<string, unknown>) => revokeKey(id, options),
  )
  cli.usage('<command> [options]')
  configureHelp(cli, version)
  return cli
}

function keysFile(options: Readonly<Record<string, unknown>>): string {
  if (typeof options['keysFile'] === 'string') return options['keysFile']
  const dataDir = typeof options['dataDir'] === 'string' ? options['dataDir'] : DEFAULT_DATA_DIR
  return join(dataDir, KEYS_FILE_NAME)
}

async function createKey(options: Readonly<Record<string, unknown>>): Promise<number> {
  const tenant = options['tenant']
  if (typeof tenant !== 'string' || !isValidTenant(tenant)) {
    throw new UsageError('--tenant is required: 1–64 of A-Z a-z 0-9 _ . -')
  }
  const raw = typeof options['scopes'] === 'string' ? options['scopes'] : 'ingest'
  const wanted = raw.split(',').map((s) => s.trim())
  const bad = wanted.filter((s) => !(scopes as readonly string[]).includes(s))
  if (bad.length > 0)
    throw new UsageError(`--scopes: unknown scope ${bad.join(', ')}; use ${scopes.join(', ')}`)
  const path = keysFile(options)
  const keys = await readKeysFile(path)
  const generated = generateApiKey()
  const entry: StoredKey = {
    id: generated.id,
    tenant,
    scopes: wanted as Scope[],
    hash: generated.hash,
    createdAt: new Date().toISOString(),
    ...(typeof options['description'] === 'string' ? { description: options['description'] } : {}),
  }
  await mkdir(dirname(path), { recursive: true })
  await writeKeysFile(path, [...keys, entry])
  await writeStdout(`${generated.key}\n`)
  await writeStderr(
    `Created key ${entry.id} for tenant ${tenant} (scopes: ${entry.scopes.join(', ')}) in ${path}.\n` +
      'The key above is shown only now; store it in your secret manager. Restart `vigil start` to use it.\n',
  )
  return 0
}

async function listKeys(options: Readonly<Record<string, unknown>>): Promise<number> {
  const path = keysFile(options)
  const keys = await readKeysFile(path)
  if (keys.length === 0) {
    await writeStderr(`No keys in ${path}. Create one with: vigil keys create --tenant <tenant>\n`)
    return 0
  }
  const rows = keys.map((k) => [k.id, k.tenant, k.scopes.join(','), k.createdAt ?? '', k.description ?? ''])
  await writeStdout(
    formatTable(
      ['ID', 'TENANT', 'SCOPES', 'CREATED', 'DESCRIPTION'].map((header) => ({ header })),
      rows,
    ),
  )
  return 0
}

async function revokeKey(id: string, options: Readonly<Record<string, unknown>>): Promise<number> {
  const path = keysFile(options)
  const keys = await readKeysFile(path)
  const left = keys.filter((k) => k.id !== id)
  if (left.length === keys.length) throw new UsageError(`no key with id ${id} in ${path}`)
  await writeKeysFile(path, left)
  await writeStderr(`Revoked key ${id}. Restart \`vigil start\` for it to take effect.\n`)
  return 0
}
