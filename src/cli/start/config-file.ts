import { readFileSync } from 'node:fs'
import { load } from 'js-yaml'
import { UsageError } from '../usage-error.js'

/**
 * Reads `vigil start --config FILE`: YAML (JSON is YAML too) with the sections of the all-in-one
 * config (`api:`, `ingest:`, `auth:`, `log:`, `engine:`, `jobs:`). Only the shape "an object of sections" is checked
 * here; the values are validated with the flags and defaults by `parseAllInOneConfig`.
 */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new UsageError(`cannot read the config file ${path}: ${(err as Error).message}`, 'CONFIG_FILE')
  }
  let parsed: unknown
  try {
    parsed = load(text, { filename: path })
  } catch (err) {
    throw new UsageError(
      `the config file ${path} is not valid YAML: ${(err as Error).message}`,
      'CONFIG_FILE',
    )
  }
  if (parsed === undefined || parsed === null) return {}
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(
      `the config file ${path} must hold an object of sections (api, ingest, auth, log, engine, jobs)`,
      'CONFIG_FILE',
    )
  }
  return parsed as Record<string, unknown>
}
