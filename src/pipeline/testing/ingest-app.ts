import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { AllInOne } from '../all-in-one.js'
import { parseAllInOneConfig } from '../all-in-one-config.js'
import type { AllInOneConfig, AllInOneConfigInput } from '../all-in-one-config.js'
import { readTopic } from './read-topic.js'
import type { StoredRecord } from './read-topic.js'

/** Test-only: a running all-in-one process on free ports in a temp dir, with helpers to post and read back. */
export class IngestApp {
  readonly app: AllInOne
  readonly config: AllInOneConfig
  readonly #dir: string

  private constructor(app: AllInOne, config: AllInOneConfig, dir: string) {
    this.app = app
    this.config = config
    this.#dir = dir
  }

  static async start(overrides: AllInOneConfigInput = {}): Promise<IngestApp> {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-ingest-'))
    const config = parseAllInOneConfig(
      { api: { port: 0 }, ingest: { port: 0 }, log: { dataDir: join(dir, 'data') } },
      overrides,
    )
    const app = new AllInOne(config, { logger: pino({ level: 'silent' }) })
    await app.start()
    return new IngestApp(app, config, dir)
  }

  get ingestUrl(): string {
    return `http://127.0.0.1:${this.app.ingestAddress().port}`
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.app.apiAddress().port}`
  }

  post(path: string, body: Uint8Array | string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.ingestUrl}${path}`, { method: 'POST', body, headers })
  }

  /** Stops the app (idempotent) and reads a topic back from the data dir. */
  async stopAndRead(topic: string): Promise<StoredRecord[]> {
    await this.app.shutdown()
    return readTopic(this.config.log, topic)
  }

  async dispose(): Promise<void> {
    await this.app.shutdown()
    await rm(this.#dir, { recursive: true, force: true })
  }
}
