import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

export const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager'
/** `VIGIL_SKIP_ALERTMANAGER=1` skips the Alertmanager tests when the binary is missing (never in CI). */
export const SKIP_ENV = 'VIGIL_SKIP_ALERTMANAGER'
const ENSURE_SCRIPT = 'scripts/services/alertmanager.mjs'
const INSTALL_HINT =
  `install it with \`node ${ENSURE_SCRIPT} ensure\` as root ` +
  '(apt-get install -y --no-install-recommends prometheus-alertmanager, Debian bookworm: Alertmanager 0.25)'
/** Wraps the child so the kernel kills it when this process dies, even by SIGKILL. */
const SETPRIV = '/usr/bin/setpriv'
const READY_TIMEOUT_MS = 30_000
const STOP_GRACE_MS = 5_000
const TAIL_BYTES = 16 * 1024

/**
 * Children still running, with their temp dirs: killed and removed on process exit so a crashed run
 * leaves no Alertmanager behind (setpriv's parent-death signal covers this process being killed).
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

export interface ReferenceAlertmanagerOptions {
  /** Where to create the instance's temporary directory (default: the OS temp dir). */
  readonly dir?: string
  /**
   * Route every alert (grouped by `alertname`) to this webhook, resolved ones included. Without
   * it the only receiver has no integrations: alerts are held and listed, nothing is sent.
   */
  readonly webhookUrl?: string
  /** The route's `group_wait` (default `100ms`, so a webhook hears of an alert quickly). */
  readonly groupWait?: string
}

/**
 * Why the Alertmanager tests should be skipped, or undefined when they run: only when the binary is
 * missing, `VIGIL_SKIP_ALERTMANAGER=1` is set and this is not CI (`CI=true` never skips). Otherwise
 * a missing binary makes `ReferenceAlertmanager.start` fail with how to install it.
 *
 * ```ts
 * describe('forwarding to Alertmanager', { skip: alertmanagerSkipReason() ?? false }, () => { … })
 * ```
 */
export function alertmanagerSkipReason(): string | undefined {
  const reason = skipReason(process.env, existsSync(ALERTMANAGER_BINARY))
  if (reason !== undefined) process.stderr.write(`skipping the Alertmanager tests: ${reason}\n`)
  return reason
}

/** The decision behind `alertmanagerSkipReason`, pure. */
export function skipReason(env: NodeJS.ProcessEnv, isInstalled: boolean): string | undefined {
  if (isInstalled || env['CI'] === 'true' || env[SKIP_ENV] !== '1') return undefined
  return `${ALERTMANAGER_BINARY} is not installed and ${SKIP_ENV}=1; ${INSTALL_HINT}`
}

/**
 * Test-only: a private, real Alertmanager (the Debian 0.25 binary) on a free loopback port, with
 * clustering off, a temp storage dir and a minimal config (optionally routing to a webhook). Throws
 * (never skips; see `alertmanagerSkipReason`) when Alertmanager is not installed and cannot be
 * installed. Always `stop()` it (e.g. in `after`); a crashed run kills it on exit.
 *
 * ```ts
 * const am = await ReferenceAlertmanager.start({ webhookUrl: rx.url })
 * // … POST alerts to `${am.url}/api/v2/alerts` …
 * await am.stop()
 * ```
 */
export class ReferenceAlertmanager {
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

  static async start(opts: ReferenceAlertmanagerOptions = {}): Promise<ReferenceAlertmanager> {
    ensureBinary()
    const parent = opts.dir ?? tmpdir()
    await mkdir(parent, { recursive: true })
    const dir = await mkdtemp(join(parent, 'vigil-alertmanager-'))
    try {
      const config = join(dir, 'alertmanager.yml')
      await writeFile(config, configYaml(opts))
      // A port picked by binding :0 can be taken before Alertmanager binds it; retry on a new one.
      for (let attempt = 1; ; attempt++) {
        const port = await freePort()
        const started = await ReferenceAlertmanager.#launch(dir, config, port)
        if (started instanceof ReferenceAlertmanager) return started
        if (attempt >= 3 || !started.includes('address already in use')) {
          throw new Error(`reference Alertmanager did not start: ${started}`)
        }
      }
    } catch (err) {
      await rm(dir, { recursive: true, force: true })
      throw err
    }
  }

  /** The instance once ready, or why it failed (including its output tail). */
  static async #launch(dir: string, config: string, port: number): Promise<ReferenceAlertmanager | string> {
    const url = `http://127.0.0.1:${port}`
    const args = [
      `--config.file=${config}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
      '--cluster.listen-address=', // no gossip listener: a private, single instance
      '--log.level=warn',
    ]
    const [cmd, argv] = existsSync(SETPRIV)
      ? [SETPRIV, ['--pdeathsig', 'KILL', ALERTMANAGER_BINARY, ...args]]
      : [ALERTMANAGER_BINARY, args]
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
    const deadline = performance.now() + READY_TIMEOUT_MS
    for (;;) {
      if (gone) {
        const how = spawnError?.message ?? `exit ${child.exitCode ?? child.signalCode}`
        return `it exited (${how}); output:\n${tail.text()}`
      }
      if (await isReady(url)) return new ReferenceAlertmanager(url, child, dir, tail, exited)
      if (performance.now() > deadline) {
        child.kill('SIGKILL')
        await exited
        return `${url}/-/ready not 200 within ${READY_TIMEOUT_MS / 1000} s; output:\n${tail.text()}`
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  /** Alertmanager's stdout/stderr so far (the last 16 KiB), for failure messages. */
  get output(): string {
    return this.#tail.text()
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

function configYaml(opts: ReferenceAlertmanagerOptions): string {
  const webhook =
    opts.webhookUrl === undefined
      ? ''
      : `    webhook_configs:\n      - url: ${JSON.stringify(opts.webhookUrl)}\n        send_resolved: true\n`
  return [
    'route:',
    '  receiver: default',
    "  group_by: ['alertname']",
    `  group_wait: ${opts.groupWait ?? '100ms'}`,
    '  group_interval: 1s',
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: default',
    webhook,
  ].join('\n')
}

/** Installs Alertmanager through the ensure script when the binary is missing; throws how to fix it. */
function ensureBinary(): void {
  if (existsSync(ALERTMANAGER_BINARY)) return
  const script = findEnsureScript()
  if (script === undefined) throw new Error(`${ALERTMANAGER_BINARY} is missing; ${INSTALL_HINT}`)
  const res = spawnSync(process.execPath, [script, 'ensure'], { encoding: 'utf8' })
  if (res.status !== 0 || !existsSync(ALERTMANAGER_BINARY)) {
    const why = (res.error?.message ?? `${res.stderr}${res.stdout}`).trim().split('\n').slice(-5).join('\n')
    throw new Error(
      `${ALERTMANAGER_BINARY} is missing and could not be installed; ${INSTALL_HINT} ` +
        `(or set ${SKIP_ENV}=1 to skip these tests outside CI)\n${why}`,
    )
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
