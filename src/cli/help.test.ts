import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { runVigil } from './testing/run-vigil.js'

const helpCases: readonly (readonly [readonly string[], readonly string[]])[] = [
  [['--help'], ['Usage:', 'start', 'log <command>', 'vigil start --help', 'vigil log --help']],
  [
    ['start', '--help'],
    ['$ vigil start', '--data-dir', '--api-port', '--host', '--fsync ', '--fsync-interval-ms'],
  ],
  [
    ['log', '--help'],
    ['Usage:', 'inspect', 'vigil log inspect --help'],
  ],
  [
    ['log', 'inspect', '--help'],
    ['$ vigil log inspect', '--data-dir', '--json'],
  ],
]

for (const [args, expected] of helpCases) {
  test(`vigil ${args.join(' ')} prints help and exits 0`, async () => {
    const result = await runVigil(args)
    assert.equal(result.code, 0, result.stderr)
    for (const text of expected)
      assert.ok(result.stdout.includes(text), `missing "${text}" in:\n${result.stdout}`)
  })
}

test('vigil --version prints the package version', async () => {
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  const result = await runVigil(['--version'])
  assert.equal(result.code, 0, result.stderr)
  assert.ok(result.stdout.includes(`vigil/${pkg.version}`), result.stdout)
})

test('vigil without a command prints help and exits 1', async () => {
  const result = await runVigil([])
  assert.equal(result.code, 1)
  assert.ok(result.stdout.includes('Usage:'), result.stdout)
  assert.match(result.stderr, /a command is required/)
})

test('vigil log without a subcommand prints its help and exits 1', async () => {
  const result = await runVigil(['log'])
  assert.equal(result.code, 1)
  assert.ok(result.stdout.includes('inspect'), result.stdout)
})

test('an unknown command is a one-line error', async () => {
  const result = await runVigil(['frobnicate'])
  assert.equal(result.code, 1)
  assert.match(result.stderr, /unknown command "frobnicate"/)
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr)
})
