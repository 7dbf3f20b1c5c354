import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { runLogConformance } from '../testing/log-conformance.js'
import type { LogUnderTest } from '../testing/log-conformance.js'
import { openEmbeddedLog } from './embedded-log.js'
import type { EmbeddedLog } from './embedded-log.js'

/** The embedded log against the shared conformance suite. */
async function openUnderTest(): Promise<LogUnderTest> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-log-conf-'))
  const clock = new ManualClock(1_700_000_000_000)
  const open = (): Promise<EmbeddedLog> =>
    openEmbeddedLog({ dataDir, fsync: 'always', maintenanceIntervalMs: 0 }, { clock })
  let log = await open()
  return {
    get log() {
      return log
    },
    async reopen() {
      await log.close()
      log = await open()
      return log
    },
    async crashAndReopen() {
      log.crashForTesting()
      log = await open()
      return log
    },
    maintain: () => log.runMaintenance(),
    async advanceTime(ms) {
      clock.advance(ms)
    },
    nowMs: () => clock.nowMs(),
    async dispose() {
      await log.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

runLogConformance({ name: 'embedded', open: openUnderTest })
