import { readFile } from 'node:fs/promises'
import { cac } from 'cac'
import type { CAC } from 'cac'
import { load } from 'js-yaml'
import { detectorConfig, evalMetrics } from '../../detect/index.js'
import type { DetectorConfigOverrides, EvalMetricsReport, NabResult } from '../../detect/index.js'
import { configureHelp } from '../help.js'
import { formatTable } from '../text-table.js'
import { UsageError } from '../usage-error.js'
import { writeStderr, writeStdout } from '../write.js'

/** `vigil eval …`: offline evaluation of the detectors on labelled data (docs/detection.md). */
export function createEvalCli(version: string): CAC {
  const cli = cac('vigil eval')
  cli
    .command('metrics', 'Score every timestamp,value CSV under --in with the live detectors, strictly online')
    .option('--in <dir>', 'Folder of CSV files (header timestamp,value), searched recursively (required)')
    .option(
      '--out <dir>',
      'Where to write timestamp,value,anomaly_score,alert at the same relative paths (required)',
    )
    .option(
      '--labels <file>',
      "NAB's combined_windows.json: also print NAB scores and window precision/recall",
    )
    .option('--detector-config <file>', 'YAML/JSON overrides of the default detector configuration')
    .example(
      '  $ vigil eval metrics --in data/nab --out /tmp/nab-out --labels data/nab/labels/combined_windows.json',
    )
    .action((options: Record<string, unknown>) => metrics(options))
  cli.usage('<command> [options]')
  configureHelp(cli, version)
  return cli
}

async function metrics(options: Readonly<Record<string, unknown>>): Promise<number> {
  const inDir = options['in']
  const outDir = options['out']
  if (typeof inDir !== 'string' || typeof outDir !== 'string')
    throw new UsageError('--in and --out are required')
  const labelsFile = typeof options['labels'] === 'string' ? options['labels'] : undefined
  const configFile = options['detectorConfig']
  let overrides: DetectorConfigOverrides = {}
  if (typeof configFile === 'string') {
    const loaded = load(await readFile(configFile, 'utf8'))
    if (typeof loaded !== 'object' || loaded === null)
      throw new UsageError(`${configFile}: expected a mapping of detector settings`)
    overrides = loaded as DetectorConfigOverrides
  }
  const started = performance.now()
  let lastReport = started
  const report = await evalMetrics({
    inDir,
    outDir,
    config: detectorConfig(overrides),
    ...(labelsFile === undefined ? {} : { labelsFile }),
    onFile: (done, total, file, rows) => {
      const now = performance.now()
      if (now - lastReport > 1000 || done === total) {
        lastReport = now
        void writeStderr(`eval: ${done}/${total} files (${file}, ${rows} rows)\n`)
      }
    },
  })
  const seconds = (performance.now() - started) / 1000
  await writeStdout(
    `Scored ${report.files} files, ${report.rows} rows in ${seconds.toFixed(1)} s; wrote ${outDir}\n`,
  )
  if (report.scores !== undefined) await writeStdout(formatScores(report))
  for (const f of report.unlabelled)
    await writeStderr(`warning: ${f} has no entry in the labels; not scored\n`)
  if (report.missing.length > 0) {
    await writeStderr(
      `warning: ${report.missing.length} labelled file(s) not under --in: ${report.missing.join(', ')}\n`,
    )
  }
  return 0
}

function rowsOf(label: string, results: readonly NabResult[]): string[][] {
  return results.map((r) => [
    label,
    r.profile,
    r.normalized.toFixed(2),
    r.threshold.toFixed(4),
    `${r.detectedWindows}/${r.windows}`,
    String(r.fp),
    r.windowPrecision.toFixed(3),
    r.windowRecall.toFixed(3),
  ])
}

function formatScores(report: EvalMetricsReport): string {
  const rows = [...rowsOf('anomaly_score', report.scores ?? []), ...rowsOf('alert', report.alertScores ?? [])]
  return (
    '\nNAB scores (anomaly_score at the best threshold per profile; alert: rows with alert=1 are the detections)\n' +
    formatTable(
      [
        'COLUMN',
        'PROFILE',
        'SCORE',
        'THRESHOLD',
        'WINDOWS',
        'FP ROWS',
        'WINDOW PRECISION',
        'WINDOW RECALL',
      ].map((header) => ({
        header,
      })),
      rows,
    )
  )
}
