import { stat } from 'node:fs/promises'
import { UsageError } from '../usage-error.js'

/** Fails with a one-line usage error unless `dataDir` is an existing directory. */
export async function assertDirectory(dataDir: string, what: string): Promise<void> {
  try {
    const info = await stat(dataDir)
    if (!info.isDirectory()) throw new UsageError(`${dataDir} is not a directory.`, 'DATA_DIR_INVALID')
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') {
      throw new UsageError(
        `Data dir ${dataDir} does not exist, so there is no log to ${what}; pass the --data-dir ` +
          'that vigil start uses.',
        'DATA_DIR_NOT_FOUND',
      )
    }
    throw err
  }
}
