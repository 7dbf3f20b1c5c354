import { resolve } from 'node:path'
import type { CAC } from 'cac'
import { openEmbeddedLog } from '../../log/embedded/index.js'
import { DEFAULT_DATA_DIR } from '../../pipeline/index.js'
import { createCliLogger } from '../logger.js'
import { UsageError } from '../usage-error.js'
import { writeStdout } from '../write.js'
import { assertDirectory } from './data-dir.js'
import { recordJson } from './record-json.js'

const DEFAULT_LIMIT = 100

export function registerDumpCommand(cli: CAC): void {
  cli
    .command(
      'dump',
      'Print records of a topic as NDJSON, decoded (read-only; works next to a running vigil start)',
    )
    .option('--data-dir <dir>', `Data directory of the log (default: ${DEFAULT_DATA_DIR})`)
    .option(
      '--topic <name>',
      'Topic to read, e.g. vigil.ingest.metrics or vigil.ingest.deadletter (required)',
    )
    .option('--partition <n>', 'Only this partition (default: all)')
    .option('--from <offset>', 'First offset to print (default: the log start)')
    .option('--limit <n>', `Records to print per partition; 0 = all (default: ${DEFAULT_LIMIT})`)
    .option('--full', 'Print every sample/row of each batch, not only counts')
    .example('  $ vigil log dump --topic vigil.ingest.deadletter')
    .example(
      '  $ vigil log dump --topic vigil.ingest.metrics --partition 0 --limit 5 --full | jq .batch.samples[0]',
    )
    .action((options: Record<string, unknown>) => runDump(options))
}

function intOption(
  options: Readonly<Record<string, unknown>>,
  name: string,
  flag: string,
): number | undefined {
  const raw = options[name]
  if (raw === undefined) return undefined
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) return raw
  if (typeof raw === 'string' && /^\d+$/.test(raw)) return Number(raw)
  throw new UsageError(`${flag}: expected a whole number, got ${JSON.stringify(raw)}`)
}

async function runDump(options: Readonly<Record<string, unknown>>): Promise<number> {
  const topic = options['topic']
  if (typeof topic !== 'string' || topic === '')
    throw new UsageError('--topic is required (see `vigil log inspect` for the topics)')
  const dataDir = resolve(String(options['dataDir'] ?? DEFAULT_DATA_DIR))
  await assertDirectory(dataDir, 'dump')
  const onlyPartition = intOption(options, 'partition', '--partition')
  const from = intOption(options, 'from', '--from')
  const limit = intOption(options, 'limit', '--limit') ?? DEFAULT_LIMIT
  const full = options['full'] === true
  const logger = createCliLogger({ fd: 2, level: 'warn' }).child({ component: 'log' })
  const log = await openEmbeddedLog(
    { dataDir },
    { readOnly: true, onEvent: ({ level, msg, ...fields }) => logger[level](fields, msg) },
  )
  try {
    const described = await log.describeTopic(topic)
    if (described === undefined) {
      const names = (await log.listTopics()).map((t) => t.name).join(', ')
      throw new UsageError(`no topic ${topic} in ${dataDir}; topics: ${names || '(none)'}`, 'TOPIC_NOT_FOUND')
    }
    for (const p of described.partitions) {
      if (onlyPartition !== undefined && p.partition !== onlyPartition) continue
      let offset = Math.max(p.logStartOffset, from ?? 0)
      let printed = 0
      while (offset < p.highWatermark && (limit === 0 || printed < limit)) {
        const res = await log.read(topic, p.partition, offset, { maxBytes: 1 << 20 })
        const lines: string[] = []
        for (const r of res.records) {
          if (limit !== 0 && printed >= limit) break
          lines.push(JSON.stringify(recordJson(topic, p.partition, r, full)))
          printed++
        }
        if (lines.length > 0) await writeStdout(lines.join('\n') + '\n')
        if (res.nextOffset <= offset) break
        offset = res.nextOffset
      }
    }
  } finally {
    await log.close()
  }
  return 0
}
