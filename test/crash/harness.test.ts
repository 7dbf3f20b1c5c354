import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { after, test } from 'node:test'
import { ChildNotKilledError, Rng, crashCycles, crashSeed, runUntilKilled } from './harness.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-harness-'))
after(() => fs.rmSync(dir, { recursive: true, force: true }))

function script(name: string, body: string): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, body)
  return file
}

/** Prints `ready`, then numbered lines forever, each followed by a `partial` line written in two halves. */
const counter = script(
  'counter.mjs',
  `import { writeSync } from 'node:fs'
writeSync(1, 'hello ' + process.argv.slice(2).join(' ') + '\\n')
writeSync(1, 'ready\\n')
let n = 0
setInterval(() => writeSync(1, (n > 0 ? 'tial\\n' : '') + 'line ' + n++ + '\\npar'), 1)
`,
)

test('runUntilKilled kills the child after the delay and returns its complete lines', async () => {
  const result = await runUntilKilled({ script: counter, args: ['a', 'b'], killAfterMs: 50 })
  assert.equal(result.lines[0], 'hello a b')
  assert.equal(result.lines[result.readyIndex], 'ready')
  const ranMs = result.lifeMs - result.startupMs
  assert.ok(ranMs >= 45 && ranMs < 5000, `ran ${ranMs} ms after ready`) // timers may fire a little early
  const numbered = result.lines.filter((l) => l.startsWith('line '))
  assert.ok(numbered.length > 0)
  numbered.forEach((l, i) => assert.equal(l, `line ${i}`))
  for (const l of result.lines.slice(result.readyIndex + 1)) assert.match(l, /^(line \d+|partial)$/)
})

test('killFrom spawn may kill the child before it is ready', async () => {
  const slow = script('slow.mjs', `setTimeout(() => console.log('ready'), 10_000)`)
  const result = await runUntilKilled({ script: slow, killAfterMs: 30, killFrom: 'spawn' })
  assert.equal(result.readyIndex, -1)
  assert.equal(result.startupMs, -1)
  assert.ok(result.lifeMs >= 25)
})

test('a child that exits by itself or never gets ready is an error, with its stderr', async () => {
  const exits = script('exits.mjs', `console.error('boom'); process.exit(3)`)
  await assert.rejects(runUntilKilled({ script: exits, killAfterMs: 10 }), (err: unknown) => {
    assert.ok(err instanceof ChildNotKilledError)
    assert.match(err.message, /code 3/)
    assert.match(err.stderr, /boom/)
    return true
  })
  const silent = script('silent.mjs', `setTimeout(() => {}, 60_000)`)
  await assert.rejects(
    runUntilKilled({ script: silent, killAfterMs: 10, readyTimeoutMs: 200 }),
    /no "ready" line within 200 ms/,
  )
})

test('Rng is deterministic per seed and stays in range', () => {
  const a = new Rng(42)
  const b = new Rng(42)
  const xs = Array.from({ length: 100 }, () => a.int(30, 400))
  assert.deepEqual(
    xs,
    Array.from({ length: 100 }, () => b.int(30, 400)),
  )
  assert.ok(xs.every((x) => x >= 30 && x <= 400))
  assert.notDeepEqual(new Rng(43).fork().u32(), new Rng(42).fork().u32())
})

test('seed and cycle count come from the environment when set', () => {
  assert.equal(crashSeed({ VIGIL_CRASH_SEED: '1234' }), 1234)
  assert.equal(crashSeed({ VIGIL_CRASH_SEED: '0xff' }), 255)
  assert.throws(() => crashSeed({ VIGIL_CRASH_SEED: 'x' }), /VIGIL_CRASH_SEED/)
  assert.ok(Number.isInteger(crashSeed({})))
  assert.equal(crashCycles(60, {}), 60)
  assert.equal(crashCycles(60, { VIGIL_CRASH_CYCLES: '5' }), 5)
  assert.throws(() => crashCycles(60, { VIGIL_CRASH_CYCLES: '0' }), /VIGIL_CRASH_CYCLES/)
})
