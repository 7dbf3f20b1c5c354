import * as fs from 'node:fs'
import * as path from 'node:path'

/** Temp dirs live under the data root (same disk as the repo) and are removed even on Ctrl-C. */
const live = new Set<string>()

export async function withTempDir<T>(
  root: string,
  prefix: string,
  work: (dir: string) => Promise<T>,
): Promise<T> {
  fs.mkdirSync(root, { recursive: true })
  const dir = fs.mkdtempSync(path.join(root, `${prefix}-`))
  live.add(dir)
  try {
    return await work(dir)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
    live.delete(dir)
  }
}

/** Removes every temp dir still in use (called on SIGINT/SIGTERM before exiting). */
export function removeLiveTempDirs(): void {
  for (const dir of live) fs.rmSync(dir, { recursive: true, force: true })
  live.clear()
}
