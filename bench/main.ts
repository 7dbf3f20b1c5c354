/**
 * Benchmark entry point: `node dist/bench/main.js [suite...] [options]` (or `npm run bench -- …`).
 * With no suite name every suite runs. Results go to stdout, progress to stderr, and each suite's
 * section of `docs/benchmarks.md` is rewritten after a full run (see `docs-file.ts`).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { writeSection } from './docs-file.js'
import { decodeSuite } from './decode/decode-suite.js'
import { detectSuite } from './detect/detect-suite.js'
import { engineSuite } from './engine/engine-suite.js'
import { ingestSuite } from './ingest/ingest-suite.js'
import { describeMachine } from './machine.js'
import { logSuite } from './log/log-suite.js'
import { storeSuite } from './store/store-suite.js'
import type { BenchSuite } from './suite.js'
import { removeLiveTempDirs } from './temp-dir.js'

/** Every suite, in the order `npm run bench` runs them. Add new suites here. */
export const suites: readonly BenchSuite[] = [
  logSuite,
  decodeSuite,
  ingestSuite,
  engineSuite,
  storeSuite,
  detectSuite,
]

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

const usage = `Usage: node dist/bench/main.js [suite...] [options]   (npm run bench -- [suite...] [options])

Suites (default: all):
${suites.map((s) => `  ${s.name.padEnd(10)} ${s.description}`).join('\n')}

Options:
  --runs N          repetitions per measurement (medians are reported; default per suite)
  --quick           smoke run: tiny volumes, 1 run; docs are not written unless --docs-file is given
  --only TEXT       run only the cases whose id contains TEXT (e.g. append/1KiB/interval); no docs
  --no-docs         do not write docs/benchmarks.md
  --docs-file PATH  write the results to PATH instead of docs/benchmarks.md
  --data-dir PATH   where temporary logs are created (default: .bench-data/ in the repo)
  -h, --help        this text`

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      runs: { type: 'string' },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-docs': { type: 'boolean', default: false },
      'docs-file': { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    process.stdout.write(`${usage}\n`)
    return 0
  }
  const unknown = positionals.filter((name) => !suites.some((s) => s.name === name))
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown benchmark suite ${unknown.map((n) => `"${n}"`).join(', ')}. ` +
        `Available: ${suites.map((s) => s.name).join(', ')}.\n`,
    )
    return 2
  }
  const runs = values.runs === undefined ? undefined : Number(values.runs)
  if (runs !== undefined && (!Number.isInteger(runs) || runs < 1)) {
    process.stderr.write(`--runs must be a positive integer, got "${values.runs}".\n`)
    return 2
  }
  const selected = positionals.length === 0 ? suites : suites.filter((s) => positionals.includes(s.name))
  const docsFile = values['docs-file'] ?? path.join(repoRoot, 'docs', 'benchmarks.md')
  const writeDocs =
    !values['no-docs'] && values.only === undefined && (!values.quick || values['docs-file'] !== undefined)
  const dataRoot = path.resolve(values['data-dir'] ?? path.join(repoRoot, '.bench-data'))
  fs.mkdirSync(dataRoot, { recursive: true })
  const options = {
    runs: values.quick ? (runs ?? 1) : runs,
    quick: values.quick,
    only: values.only,
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
    dataRoot,
    machine: describeMachine(dataRoot, repoRoot),
    progress: (line: string) => process.stderr.write(`${line}\n`),
  }
  for (const suite of selected) {
    process.stderr.write(`== ${suite.name}: ${suite.description}\n`)
    const report = await suite.run(options)
    process.stdout.write(`\n${report.text}\n`)
    if (writeDocs) {
      writeSection(docsFile, suite.name, report.markdown)
      process.stderr.write(`Wrote the "${suite.name}" section of ${path.relative(process.cwd(), docsFile)}\n`)
    }
  }
  return 0
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    removeLiveTempDirs()
    process.exit(130)
  })
}
process.exitCode = await main(process.argv.slice(2))
