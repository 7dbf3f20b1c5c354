import { readFileSync } from 'node:fs'

/**
 * The version in Vigil's package.json, found by walking up from this file; it sits at a different
 * depth in `src/` and in `dist/src/`.
 */
export function packageVersion(): string {
  let dir = new URL('.', import.meta.url)
  for (let depth = 0; depth < 6; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as {
        name?: unknown
        version?: unknown
      }
      if (pkg.name === 'vigil' && typeof pkg.version === 'string') return pkg.version
    } catch {
      // Not here (or unreadable): keep walking up.
    }
    dir = new URL('..', dir)
  }
  return 'unknown'
}
