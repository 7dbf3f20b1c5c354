import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as net from 'node:net'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The servers under test, each a separate child process on 127.0.0.1: `vigil start` (the
 * compiled CLI, default fsync policy, `--auth none`) and, as a baseline, VictoriaMetrics. `stop`
 * sends SIGTERM (Vigil shuts down gracefully, which also writes a `--cpu-prof` profile) and
 * SIGKILLs after a grace period; children still alive when the bench exits are SIGKILLed.
 */
export interface ServerUnderTest {
  readonly pid: number
  readonly ingestPort: number
  /** Output of the child (last few KiB), for error messages. */
  output(): string
  stop(): Promise<void>
}

const vigilMain = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url))
const READY_TIMEOUT_MS = 30_000
const STOP_GRACE_MS = 15_000
const TAIL_BYTES = 8192

/** The VictoriaMetrics binary (Debian package `victoria-metrics`); `VIGIL_BENCH_VICTORIA_METRICS` overrides. */
export function victoriaMetricsBinary(): string {
  return process.env['VIGIL_BENCH_VICTORIA_METRICS'] ?? '/usr/bin/victoria-metrics'
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

export interface VigilServerOptions {
  readonly dataDir: string
  /** Extra node flags, e.g. `--cpu-prof --cpu-prof-dir=…`. */
  readonly nodeArgs?: readonly string[]
}

export async function startVigil(options: VigilServerOptions): Promise<ServerUnderTest> {
  const [apiPort, ingestPort] = [await freePort(), await freePort()]
  const args = [
    ...(options.nodeArgs ?? []),
    vigilMain,
    'start',
    '--data-dir',
    path.join(options.dataDir, 'vigil-data'),
    '--api-port',
    String(apiPort),
    '--ingest-port',
    String(ingestPort),
    '--auth',
    'none',
  ]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  return ready(child, 'vigil start', ingestPort, `http://127.0.0.1:${apiPort}/readyz`)
}

export async function startVictoriaMetrics(binary: string, dataDir: string): Promise<ServerUnderTest> {
  const port = await freePort()
  const args = [
    `-storageDataPath=${path.join(dataDir, 'vm-data')}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    '-retentionPeriod=1d',
    '-loggerLevel=ERROR',
  ]
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  return ready(child, 'victoria-metrics', port, `http://127.0.0.1:${port}/health`)
}

const live = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

async function ready(
  child: ChildProcess,
  name: string,
  ingestPort: number,
  readyUrl: string,
): Promise<ServerUnderTest> {
  live.add(child)
  let tail = ''
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let hasExited = false
  void exited.then(() => {
    hasExited = true
    live.delete(child)
  })
  const server: ServerUnderTest = {
    pid: child.pid ?? -1,
    ingestPort,
    output: () => tail,
    stop: async () => {
      if (hasExited) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
      await exited
      clearTimeout(timer)
    },
  }
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (!(await isOk(readyUrl))) {
    if (hasExited || Date.now() > deadline) {
      await server.stop()
      throw new Error(
        `${name} ${hasExited ? `exited (code ${String(child.exitCode)})` : 'did not become ready'} ` +
          `before answering ${readyUrl}; its output ends with:\n${tail}`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return server
}

function isOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('error', () => resolve(false))
    req.on('timeout', () => req.destroy())
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}
