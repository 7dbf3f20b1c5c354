import { readFile, rename, writeFile } from 'node:fs/promises'
import { z } from 'zod'
import { PipelineError } from '../core/index.js'
import { storedKeySchema } from './config.js'
import type { StoredKey } from './config.js'

/**
 * The keys file (`<data-dir>/keys.json` unless `auth.keysFile` says otherwise): hashed API keys,
 * written by `vigil keys create|revoke` and read at startup. Written atomically (temp file +
 * rename), mode 0600. It never holds a plaintext key.
 */
export const KEYS_FILE_NAME = 'keys.json'

const keysFileSchema = z.object({ version: z.literal(1), keys: z.array(storedKeySchema) }).strict()

export class KeysFileError extends PipelineError {
  constructor(path: string, why: string, cause?: unknown) {
    super(`Cannot use the API keys file ${path}: ${why}.`, {
      code: 'KEYS_FILE_INVALID',
      domain: 'user',
      retryable: false,
      cause,
    })
  }
}

/** The keys in `path`; an empty list when the file does not exist. */
export async function readKeysFile(path: string): Promise<StoredKey[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw new KeysFileError(path, (err as Error).message, err)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new KeysFileError(path, `not JSON (${(err as Error).message})`, err)
  }
  const parsed = keysFileSchema.safeParse(json)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    throw new KeysFileError(path, `${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`)
  }
  return parsed.data.keys
}

export async function writeKeysFile(path: string, keys: readonly StoredKey[]): Promise<void> {
  const tmp = `${path}.tmp`
  await writeFile(tmp, `${JSON.stringify({ version: 1, keys }, null, 2)}\n`, { mode: 0o600 })
  await rename(tmp, path)
}
