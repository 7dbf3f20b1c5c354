import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { test } from 'node:test'
import { errorCode } from '../../core/errors.js'
import { DirLock } from './dir-lock.js'
import { openEmbeddedLog } from './embedded-log.js'

test('a second open of the same data dir fails with LOG_DIR_LOCKED until the first closes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-lock-'))
  const log = await openEmbeddedLog({ dataDir: dir })
  await assert.rejects(openEmbeddedLog({ dataDir: dir }), (err) => errorCode(err) === 'LOG_DIR_LOCKED')
  await log.close()
  const again = await openEmbeddedLog({ dataDir: dir })
  await again.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

test('a lock held by a live process is respected; a dead owner’s lock is taken over', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-lock-'))
  const file = path.join(dir, 'vigil.lock')
  // Live owner: our parent process (pid alive, not us).
  fs.writeFileSync(file, JSON.stringify({ pid: process.ppid, host: os.hostname() }))
  assert.throws(
    () => DirLock.acquire(dir),
    (err) => errorCode(err) === 'LOG_DIR_LOCKED',
  )
  // Dead owner: a child that has exited.
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
  fs.writeFileSync(file, JSON.stringify({ pid: Number(child.stdout.toString()), host: os.hostname() }))
  const lock = DirLock.acquire(dir)
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).pid, process.pid)
  lock.release()
  assert.equal(fs.existsSync(file), false)
  fs.rmSync(dir, { recursive: true, force: true })
})
