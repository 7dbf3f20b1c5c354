import * as fs from 'node:fs'
import * as path from 'node:path'
import type { EmbeddedLogConfig } from './config.js'
import { InvalidArgumentError } from '../errors.js'
import { cleanupPolicies } from '../log.js'
import type { TopicConfig } from '../log.js'

/** A topic's settings as stored in `<dataDir>/topics/<name>/topic.json`. */
export type EmbeddedTopicConfig = TopicConfig

export const MAX_PARTITIONS = 1024
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/
const TOPIC_FILE_VERSION = 1

export function validateTopicName(name: string, allowInternal: boolean): void {
  if (!TOPIC_NAME.test(name) || name === '.' || name === '..') {
    throw new InvalidArgumentError(`Invalid topic name "${name}": use 1-249 of [a-zA-Z0-9._-].`)
  }
  if (!allowInternal && name.startsWith('__')) {
    throw new InvalidArgumentError(
      `Topic names starting with "__" are reserved for internal topics: "${name}".`,
    )
  }
}

/** Fills defaults and checks a requested topic config. */
export function resolveTopicConfig(
  requested: Partial<EmbeddedTopicConfig>,
  logConfig: EmbeddedLogConfig,
): EmbeddedTopicConfig {
  const config: EmbeddedTopicConfig = {
    partitions: requested.partitions ?? 1,
    cleanupPolicy: requested.cleanupPolicy ?? 'delete',
    retentionMs: requested.retentionMs ?? -1,
    retentionBytes: requested.retentionBytes ?? -1,
    deleteRetentionMs: requested.deleteRetentionMs ?? 24 * 3600 * 1000,
    segmentBytes: requested.segmentBytes ?? logConfig.segmentBytes,
    segmentMs: requested.segmentMs ?? logConfig.segmentMs,
  }
  const problems: string[] = []
  if (!Number.isInteger(config.partitions) || config.partitions < 1 || config.partitions > MAX_PARTITIONS) {
    problems.push(`partitions must be an integer in 1..${MAX_PARTITIONS}`)
  }
  if (!(cleanupPolicies as readonly string[]).includes(config.cleanupPolicy)) {
    problems.push(`cleanupPolicy must be one of ${cleanupPolicies.join(', ')}`)
  }
  for (const key of ['retentionMs', 'retentionBytes', 'deleteRetentionMs'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < -1) problems.push(`${key} must be an integer >= -1`)
  }
  if (!Number.isInteger(config.segmentBytes) || config.segmentBytes < 64 || config.segmentBytes > 2 ** 31) {
    problems.push('segmentBytes must be an integer in 64..2^31')
  }
  if (!Number.isInteger(config.segmentMs) || config.segmentMs < 1)
    problems.push('segmentMs must be a positive integer')
  if (problems.length > 0) throw new InvalidArgumentError(`Invalid topic config: ${problems.join('; ')}.`)
  return config
}

export function topicDir(dataDir: string, name: string): string {
  return path.join(dataDir, 'topics', name)
}

export function writeTopicConfig(dataDir: string, name: string, config: EmbeddedTopicConfig): void {
  const dir = topicDir(dataDir, name)
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'topic.json')
  fs.writeFileSync(`${file}.tmp`, JSON.stringify({ version: TOPIC_FILE_VERSION, name, config }, null, 2))
  const fd = fs.openSync(`${file}.tmp`, 'r')
  fs.fsyncSync(fd)
  fs.closeSync(fd)
  fs.renameSync(`${file}.tmp`, file)
  const dirFd = fs.openSync(dir, 'r')
  fs.fsyncSync(dirFd)
  fs.closeSync(dirFd)
}

/** Topics present in the data dir (a topic dir without a readable topic.json is skipped with a warning). */
export function readTopicConfigs(
  dataDir: string,
  onBad: (name: string, err: unknown) => void,
): Map<string, EmbeddedTopicConfig> {
  const root = path.join(dataDir, 'topics')
  const out = new Map<string, EmbeddedTopicConfig>()
  if (!fs.existsSync(root)) return out
  for (const name of fs.readdirSync(root).sort()) {
    try {
      const raw = JSON.parse(fs.readFileSync(path.join(root, name, 'topic.json'), 'utf8')) as {
        version: number
        config: EmbeddedTopicConfig
      }
      if (raw.version !== TOPIC_FILE_VERSION) throw new Error(`unsupported topic.json version ${raw.version}`)
      out.set(name, raw.config)
    } catch (err) {
      onBad(name, err)
    }
  }
  return out
}
