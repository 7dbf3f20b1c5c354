#!/usr/bin/env node
// Test runner behind `npm test` (after `npm run build`): runs every compiled test file,
// dist/**/*.test.js, with node's built-in test runner.
//
//   node scripts/run-tests.mjs                 all tests
//   node scripts/run-tests.mjs cli log         only files whose path (under dist/) contains "cli" or "log"
//   node scripts/run-tests.mjs --test-name-pattern=lock cli     node flags pass through
//
// Arguments starting with "-" go to node; the others are file filters. The spec reporter is the
// default everywhere (on Node 20 the non-TTY default is TAP, whose summary reads "# tests N"), so the
// output always ends with node's own "ℹ tests N / ℹ pass N / ℹ fail N" summary; nothing is printed
// after it. A compiled test whose .ts source is gone (stale dist/) is skipped with a warning.
// Exits with the test runner's exit code, and with 1 when no test file is found.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { constants } from 'node:os'
import { dirname, join, relative, sep } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const distDir = join(root, 'dist')

/** Node test flags that take their value as the next argument (`--flag value`). */
const flagsWithValue = new Set([
  '--test-name-pattern',
  '--test-skip-pattern',
  '--test-reporter',
  '--test-reporter-destination',
  '--test-concurrency',
  '--test-timeout',
  '--test-shard',
])
/** Per test, so a hung test fails the run instead of hanging CI. Override with --test-timeout. */
const DEFAULT_TEST_TIMEOUT_MS = 300_000

function fail(message) {
  process.stderr.write(`run-tests: ${message}\n`)
  process.exit(1)
}

function splitArgs(args) {
  const nodeFlags = []
  const filters = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg.startsWith('-')) {
      nodeFlags.push(arg)
      if (flagsWithValue.has(arg) && i + 1 < args.length) nodeFlags.push(args[++i])
    } else {
      filters.push(arg)
    }
  }
  return { nodeFlags, filters }
}

async function findTestFiles() {
  if (!existsSync(distDir)) fail(`${distDir} does not exist; run "npm run build" first.`)
  const entries = await readdir(distDir, { recursive: true })
  const files = []
  for (const entry of entries) {
    const rel = entry.split(sep).join('/')
    if (!rel.endsWith('.test.js') || rel.includes('node_modules/')) continue
    const source = join(root, rel.replace(/\.js$/, '.ts'))
    if (!existsSync(source)) {
      process.stderr.write(`run-tests: skipping dist/${rel}: its source ${relative(root, source)} is gone.\n`)
      continue
    }
    files.push(rel)
  }
  return files.sort()
}

const { nodeFlags, filters } = splitArgs(process.argv.slice(2))
const all = await findTestFiles()
if (all.length === 0) fail('found no test files (dist/**/*.test.js); did the build run?')
const selected = filters.length === 0 ? all : all.filter((f) => filters.some((s) => f.includes(s)))
if (selected.length === 0) {
  fail(`no test file matches ${filters.map((s) => JSON.stringify(s)).join(' or ')} (of ${all.length}).`)
}

const has = (prefix) => nodeFlags.some((f) => f === prefix || f.startsWith(`${prefix}=`))
const defaults = [
  ...(has('--test-reporter') ? [] : ['--test-reporter=spec']),
  ...(has('--test-timeout') ? [] : [`--test-timeout=${DEFAULT_TEST_TIMEOUT_MS}`]),
]
const child = spawn(
  process.execPath,
  ['--enable-source-maps', '--test', ...defaults, ...nodeFlags, ...selected.map((f) => join('dist', f))],
  { cwd: root, stdio: 'inherit' },
)
// Ctrl-C reaches the child through the process group; wait for it to report instead of dying first.
process.on('SIGINT', () => {})
process.on('SIGTERM', () => child.kill('SIGTERM'))
child.on('error', (err) => fail(`could not start node: ${err.message}`))
child.on('exit', (code, signal) => {
  process.exitCode = code ?? 128 + (constants.signals[signal] ?? 0)
})
