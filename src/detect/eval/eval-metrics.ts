import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { PipelineError } from '../../core/index.js'
import type { DetectorConfig } from '../detector-config.js'
import { parseMetricCsv } from './metric-csv.js'
import type { NabFile, NabResult } from './nab-score.js'
import { nabProfiles, scoreNab } from './nab-score.js'
import { parseNabWindows, windowRows } from './nab-labels.js'
import { scoreSeries } from './score-series.js'

export interface EvalMetricsOptions {
  readonly inDir: string
  readonly outDir: string
  readonly labelsFile?: string
  readonly config: DetectorConfig
  /** Called after each file (progress). */
  readonly onFile?: (done: number, total: number, file: string, rows: number) => void
}

export interface EvalMetricsReport {
  readonly files: number
  readonly rows: number
  /** With labels: NAB scores of `anomaly_score` (optimal threshold per profile). */
  readonly scores?: readonly NabResult[]
  /** With labels: NAB scores of the `alert` column alone (a detection is alert = 1). */
  readonly alertScores?: readonly NabResult[]
  /** Labelled files not found under the input dir, and input files without labels. */
  readonly unlabelled: readonly string[]
  readonly missing: readonly string[]
}

async function listCsv(dir: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true })
    for (const e of entries) {
      const p = join(d, e.name)
      if (e.isDirectory()) await walk(p)
      else if (e.isFile() && e.name.toLowerCase().endsWith('.csv')) out.push(p)
    }
  }
  await walk(dir)
  return out.sort()
}

function formatScore(x: number): string {
  return x === 0 ? '0' : x === 1 ? '1' : x.toFixed(6)
}

/**
 * `vigil eval metrics`: every CSV under `inDir` (recursively) scored strictly online with one
 * configuration, written to the same relative path under `outDir` as
 * `timestamp,value,anomaly_score,alert` (timestamp and value verbatim); with labels, NAB scores.
 */
export async function evalMetrics(options: EvalMetricsOptions): Promise<EvalMetricsReport> {
  let files: string[]
  try {
    files = await listCsv(options.inDir)
  } catch (err) {
    throw new PipelineError(`--in ${options.inDir}: ${(err as Error).message}`, {
      code: 'detect.bad_input_dir',
      domain: 'user',
      retryable: false,
      cause: err,
    })
  }
  if (files.length === 0) {
    throw new PipelineError(`--in ${options.inDir}: no .csv file found (recursively)`, {
      code: 'detect.bad_input_dir',
      domain: 'user',
      retryable: false,
    })
  }
  const labels =
    options.labelsFile === undefined
      ? undefined
      : parseNabWindows(await readFile(options.labelsFile, 'utf8'), options.labelsFile)
  const nabFiles: NabFile[] = []
  const alertFiles: NabFile[] = []
  const unlabelled: string[] = []
  let rows = 0
  for (const [i, file] of files.entries()) {
    const rel = relative(options.inDir, file).split(sep).join('/')
    const csv = parseMetricCsv(await readFile(file, 'utf8'), file)
    const { scores, alerts } = scoreSeries(options.config, csv.timeMs, csv.values)
    const lines: string[] = ['timestamp,value,anomaly_score,alert']
    for (let r = 0; r < scores.length; r++) {
      lines.push(`${csv.timestamps[r]},${csv.valueTexts[r]},${formatScore(scores[r]!)},${alerts[r]}`)
    }
    const target = join(options.outDir, rel)
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, lines.join('\n') + '\n')
    rows += scores.length
    const windows = labels?.get(rel)
    if (labels !== undefined) {
      if (windows === undefined) unlabelled.push(rel)
      else {
        const w = windowRows(rel, windows, csv.timeMs)
        nabFiles.push({ name: rel, windows: w, scores })
        alertFiles.push({ name: rel, windows: w, scores: alerts })
      }
    }
    options.onFile?.(i + 1, files.length, rel, scores.length)
  }
  const seen = new Set(nabFiles.map((f) => f.name))
  const missing = labels === undefined ? [] : [...labels.keys()].filter((k) => !seen.has(k))
  if (labels === undefined || nabFiles.length === 0) return { files: files.length, rows, unlabelled, missing }
  return {
    files: files.length,
    rows,
    scores: scoreNab(nabFiles, nabProfiles),
    alertScores: scoreNab(alertFiles, nabProfiles, 0.5),
    unlabelled,
    missing,
  }
}
