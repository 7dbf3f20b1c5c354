import assert from 'node:assert/strict'
import { test } from 'node:test'
import { QueryTimeoutError } from './query-error.js'
import { withStore } from './testing/telemetry-fixture.js'
import { withTimeout } from './with-timeout.js'

const SLOW = 'SELECT count(*) FROM range(1000000000) a, range(1000) b WHERE a.range + b.range = 7'

test('a slow query is interrupted at its deadline with a 503 that says how to narrow it; the connection survives', async () => {
  await withStore(async (_db, c) => {
    const started = performance.now()
    await assert.rejects(
      withTimeout(c, 100, async (read) => read(SLOW), 'narrow it down'),
      (err: unknown) => {
        assert.ok(err instanceof QueryTimeoutError)
        assert.equal(err.status, 503)
        assert.equal(err.timeoutMs, 100)
        assert.equal(err.message, 'query timed out after 100 ms and was cancelled; narrow it down')
        return true
      },
    )
    assert.ok(performance.now() - started < 5_000, 'the interrupt stops the query promptly')
    const rows = await withTimeout(c, 5_000, async (read) =>
      (await read('SELECT $1::INTEGER + 1', [41])).getRows(),
    )
    assert.deepEqual(rows, [[42]])
  })
})

test('a statement started after the deadline is refused; other errors pass through unchanged', async () => {
  await withStore(async (_db, c) => {
    await assert.rejects(
      withTimeout(c, 20, async (read) => {
        await new Promise((resolve) => setTimeout(resolve, 60))
        return read('SELECT 1')
      }),
      (err: unknown) => err instanceof QueryTimeoutError && /a shorter time range/.test(err.message),
    )
    await assert.rejects(
      withTimeout(c, 5_000, async (read) => read('SELECT * FROM no_such_table')),
      (err: unknown) => !(err instanceof QueryTimeoutError) && /no_such_table/.test(String(err)),
    )
    await assert.rejects(
      withTimeout(c, 0, async () => 1),
      RangeError,
    )
  })
})
