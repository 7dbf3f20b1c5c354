import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

export const PROMETHEUS_BINARY = '/usr/bin/prometheus'
const ENSURE_SCRIPT = 'scripts/services/prometheus.mjs'
const INSTALL_HINT =
  `install it with \`node ${ENSURE_SCRIPT} ensure\` as root ` +
  '(apt-get install -y --no-install-recommends prometheus, Debian bookworm: Prometheus 2.42)'
/** Wraps the child so the kernel kills it when this process dies, even by SIGKILL. */
const SETPRIV = '/usr/bin/setpriv'
const READY_TIMEOUT_MS = 30_000
const STOP_GRACE_MS = 5_000
const TAIL_BYTES = 16 * 1024
const CONFIG = 'global:\n  scrape_interval: 1m\n  evaluation_interval: 1m\n'

/**
 * Children still running, with their temp dirs: killed and removed on process exit so a crashed run
 * leaves no Prometheus behind (setpriv's parent-death signal covers this process being killed).
 */
const live = new Map<ChildProcess, string>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const [child, dir] of live) {
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
  })
}

export interface ReferencePrometheusOptions {
  /** Where to create the instance's temporary directory (default: the OS temp dir). */
  readonly dir?: string
}

/** A parsed HTTP API answer: the status code and the JSON body (text when it is not JSON). */
export interface PrometheusResponse {
  readonly status: number
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON compared field by field in tests
  readonly body: any
}

/**
 * Test-only: a private, real Prometheus (the Debian 2.42 binary) on a free loopback port with an
 * empty TSDB in a temp dir, fed through its remote_write receiver, so tests can compare Vigil's
 * PromQL answers with the reference. Throws (never skips) when Prometheus is not installed and cannot
 * be installed. Always `stop()` it (e.g. in `after`); a crashed run kills it on exit.
 *
 * ```ts
 * const prom = await ReferencePrometheus.start()
 * await prom.remoteWrite(encodeRemoteWrite([{ labels: { __name__: 'c' }, samples }]))
 * const res = await prom.get('/api/v1/query', { query: 'rate(c[5m])', time: String(t / 1000) })
 * await prom.stop()
 * ```
 */
export class ReferencePrometheus {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string
  readonly #child: ChildProcess
  readonly #dir: string
  readonly #tail: OutputTail
  readonly #exited: Promise<void>
  #stopped = false

  private constructor(
    url: string,
    child: ChildProcess,
    dir: string,
    tail: OutputTail,
    exited: Promise<void>,
  ) {
    this.url = url
    this.#child = child
    this.#dir = dir
    this.#tail = tail
    this.#exited = exited
  }

  static async start(opts: ReferencePrometheusOptions = {}): Promise<ReferencePrometheus> {
    ensureBinary()
    const parent = opts.dir ?? tmpdir()
    await mkdir(parent, { recursive: true })
    const dir = await mkdtemp(join(parent, 'vigil-prometheus-'))
    try {
      const config = join(dir, 'prometheus.yml')
      await writeFile(config, CONFIG)
      // A port picked by binding :0 can be taken before Prometheus binds it; retry on a new one.
      for (let attempt = 1; ; attempt++) {
        const port = await freePort()
        const started = await ReferencePrometheus.#launch(dir, config, port)
        if (started instanceof ReferencePrometheus) return started
        if (attempt >= 3 || !started.includes('address already in use')) {
          throw new Error(`reference Prometheus did not start: ${started}`)
        }
      }
    } catch (err) {
      await rm(dir, { recursive: true, force: true })
      throw err
    }
  }

  /** The instance once ready, or why it failed (including its output tail). */
  static async #launch(dir: string, config: string, port: number): Promise<ReferencePrometheus | string> {
    const args = [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--web.enable-admin-api',
      '--log.level=warn',
    ]
    const [cmd, argv] = existsSync(SETPRIV)
      ? [SETPRIV, ['--pdeathsig', 'KILL', PROMETHEUS_BINARY, ...args]]
      : [PROMETHEUS_BINARY, args]
    installExitHook()
    const child = spawn(cmd, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    live.set(child, dir)
    const tail = new OutputTail()
    child.stdout?.on('data', (chunk: Buffer) => tail.push(chunk))
    child.stderr?.on('data', (chunk: Buffer) => tail.push(chunk))
    let spawnError: Error | undefined
    const exited = new Promise<void>((resolve) => {
      child.once('error', (err) => {
        spawnError = err
        live.delete(child)
        resolve()
      })
      child.once('exit', () => {
        live.delete(child)
        resolve()
      })
    })
    let gone = false
    void exited.then(() => (gone = true))
    const url = `http://127.0.0.1:${port}`
    const deadline = performance.now() + READY_TIMEOUT_MS
    for (;;) {
      if (gone) {
        const how = spawnError?.message ?? `exit ${child.exitCode ?? child.signalCode}`
        return `it exited (${how}); output:\n${tail.text()}`
      }
      if (await isReady(url)) {
        return new ReferencePrometheus(url, child, dir, tail, exited)
      }
      if (performance.now() > deadline) {
        child.kill('SIGKILL')
        await exited
        return `${url}/-/ready not 200 within ${READY_TIMEOUT_MS / 1000} s; output:\n${tail.text()}`
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  /** Prometheus' stdout/stderr so far (the last 16 KiB), for failure messages. */
  get output(): string {
    return this.#tail.text()
  }

  /** POSTs a snappy-compressed WriteRequest (see `encodeRemoteWrite`) to /api/v1/write. */
  async remoteWrite(body: Uint8Array): Promise<void> {
    const res = await fetch(`${this.url}/api/v1/write`, {
      method: 'POST',
      headers: {
        'Content-Encoding': 'snappy',
        'Content-Type': 'application/x-protobuf',
        'X-Prometheus-Remote-Write-Version': '0.1.0',
      },
      body: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
    })
    const text = await res.text()
    if (res.status < 200 || res.status > 299) {
      throw new Error(`reference Prometheus remote_write: HTTP ${res.status}: ${text.trim()}`)
    }
  }

  /** GET `path` (e.g. `/api/v1/query`) with query parameters; an array repeats the key (`match[]`). */
  async get(
    path: string,
    params: Record<string, string | readonly string[]> = {},
  ): Promise<PrometheusResponse> {
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(params)) {
      if (typeof value === 'string') search.append(key, value)
      else for (const v of value) search.append(key, v)
    }
    const qs = search.toString()
    const res = await fetch(`${this.url}${path}${qs === '' ? '' : `?${qs}`}`)
    const text = await res.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {
      // not JSON (e.g. /-/ready): keep the text
    }
    return { status: res.status, body }
  }

  /** SIGTERM, SIGKILL after 5 s, then removes the temp dir. Idempotent. */
  async stop(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true
      const child = this.#child
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
        await this.#exited
        clearTimeout(timer)
      }
    }
    await this.#exited
    await rm(this.#dir, { recursive: true, force: true })
  }
}

/** Installs Prometheus through the ensure script when the binary is missing; throws how to fix it. */
function ensureBinary(): void {
  if (existsSync(PROMETHEUS_BINARY)) return
  const script = findEnsureScript()
  if (script === undefined) throw new Error(`${PROMETHEUS_BINARY} is missing; ${INSTALL_HINT}`)
  const res = spawnSync(process.execPath, [script, 'ensure'], { encoding: 'utf8' })
  if (res.status !== 0 || !existsSync(PROMETHEUS_BINARY)) {
    const why = (res.error?.message ?? `${res.stderr}${res.stdout}`).trim().split('\n').slice(-5).join('\n')
    throw new Error(`${PROMETHEUS_BINARY} is missing and could not be installed; ${INSTALL_HINT}\n${why}`)
  }
}

function findEnsureScript(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, ENSURE_SCRIPT)
    if (existsSync(candidate)) return candidate
    const up = dirname(dir)
    if (up === dir) return undefined
    dir = up
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('could not pick a free port')
  return address.port
}

async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) })
    await res.arrayBuffer()
    return res.status === 200
  } catch {
    return false
  }
}

/** The last TAIL_BYTES of a process' output. */
class OutputTail {
  #chunks: Buffer[] = []
  #bytes = 0

  push(chunk: Buffer): void {
    this.#chunks.push(chunk)
    this.#bytes += chunk.length
    while (this.#bytes > TAIL_BYTES && this.#chunks.length > 1) this.#bytes -= this.#chunks.shift()!.length
  }

  text(): string {
    const all = Buffer.concat(this.#chunks)
    return all.subarray(Math.max(0, all.length - TAIL_BYTES)).toString('utf8')
  }
}
