import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { pino } from 'pino'
import { errorCode } from '../core/index.js'
import { AllInOne } from './all-in-one.js'
import { parseAllInOneConfig } from './all-in-one-config.js'

const logger = pino({ level: 'silent' })

async function withDataDir(fn: (dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-all-in-one-'))
  try {
    await fn(dataDir)
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

function configFor(dataDir: string) {
  return parseAllInOneConfig({ api: { port: 0 }, ingest: { port: 0 }, log: { dataDir } })
}

test('start → ready → shutdown: readiness follows the lifecycle and the listener goes away', async () => {
  await withDataDir(async (dataDir) => {
    const app = new AllInOne(configFor(dataDir), { logger })
    assert.equal(app.readiness().isReady, false)
    await app.start()
    assert.deepEqual(app.readiness().isReady, true)
    const base = `http://127.0.0.1:${app.apiAddress().port}`
    assert.equal((await fetch(`${base}/readyz`)).status, 200)
    assert.match(await (await fetch(`${base}/metrics`)).text(), /^vigil_log_appended_batches_total 0$/m)

    const stopping = app.shutdown()
    assert.equal(app.readiness().isReady, false, 'not ready as soon as shutdown begins')
    assert.match(app.readiness().reason, /shutting down/)
    await stopping
    await app.shutdown() // idempotent
    await assert.rejects(fetch(`${base}/healthz`))
  })
})

test('shutdown without start is a no-op, and start runs only once', async () => {
  await withDataDir(async (dataDir) => {
    const app = new AllInOne(configFor(dataDir), { logger })
    await app.shutdown()
    assert.equal(app.readiness().isReady, false)
    assert.throws(() => app.start(), /only once/)
  })
})

test('a locked data dir fails start with LOG_DIR_LOCKED and leaves nothing running', async () => {
  await withDataDir(async (dataDir) => {
    const first = new AllInOne(configFor(dataDir), { logger })
    await first.start()
    try {
      const second = new AllInOne(configFor(dataDir), { logger })
      await assert.rejects(second.start(), (err: unknown) => errorCode(err) === 'LOG_DIR_LOCKED')
      assert.equal(second.readiness().isReady, false)
      assert.throws(() => second.apiAddress(), /not started/)
      await second.shutdown()
    } finally {
      await first.shutdown()
    }
  })
})

test('a taken API port fails start and closes the log it had opened', async () => {
  await withDataDir(async (dataDir) => {
    const first = new AllInOne(configFor(join(dataDir, 'a')), { logger })
    await first.start()
    try {
      const port = first.apiAddress().port
      const config = parseAllInOneConfig({
        api: { port },
        ingest: { port: 0 },
        log: { dataDir: join(dataDir, 'b') },
      })
      const second = new AllInOne(config, { logger })
      await assert.rejects(second.start(), (err: unknown) => errorCode(err) === 'API_LISTEN_FAILED')
      // The log of the failed start was closed, so its dir lock is free again.
      const third = new AllInOne(
        parseAllInOneConfig({ api: { port: 0 }, ingest: { port: 0 }, log: { dataDir: join(dataDir, 'b') } }),
        {
          logger,
        },
      )
      await third.start()
      await third.shutdown()
    } finally {
      await first.shutdown()
    }
  })
})

test('a shutdown requested while starting waits for the start and ends stopped', async () => {
  await withDataDir(async (dataDir) => {
    const app = new AllInOne(configFor(dataDir), { logger })
    const started = app.start()
    const stopped = app.shutdown()
    await started
    await stopped
    assert.equal(app.readiness().isReady, false)
    assert.match(app.readiness().reason, /stopped/)
  })
})
