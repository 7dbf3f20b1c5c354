import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as delay } from 'node:timers/promises'

/** Helpers for tests that run the compiled `vigil` binary (dist/src/cli/main.js) as a child process. */
export const vigilMain = fileURLToPath(new URL('../main.js', import.meta.url))

export interface VigilResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** A `vigil` process that keeps running (e.g. `start`); output is collected as it arrives. */
export class VigilProcess {
  readonly child: ChildProcess
  readonly exited: Promise<VigilResult>
  #stdout = ''
  #stderr = ''

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [vigilMain, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.#stdout += chunk))
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr += chunk))
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject)
      this.child.once('close', (code, signal) =>
        resolve({ code, signal, stdout: this.#stdout, stderr: this.#stderr }),
      )
    })
  }

  get stdout(): string {
    return this.#stdout
  }

  get stderr(): string {
    return this.#stderr
  }

  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null
  }

  /** For failure messages: everything the process printed so far. */
  describe(): string {
    return `--- vigil stdout ---\n${this.#stdout}\n--- vigil stderr ---\n${this.#stderr}`
  }

  /** Kills the process if it still runs (test cleanup). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.hasExited) this.child.kill(signal)
  }
}

/**
 * Runs `vigil args…` to completion. A process still running after `timeoutMs` is killed and the
 * result says so (signal SIGKILL), so a hung command fails its test instead of hanging the run.
 */
export async function runVigil(args: readonly string[], timeoutMs = 20_000): Promise<VigilResult> {
  const vigil = new VigilProcess(args)
  const timer = setTimeout(() => vigil.kill(), timeoutMs)
  try {
    return await vigil.exited
  } finally {
    clearTimeout(timer)
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1 (listen on port 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port assigned')
  return address.port
}

export interface WaitOptions {
  readonly timeoutMs: number
  /** What is awaited, for the failure message. */
  readonly what: string
  /** Extra context for the failure message (e.g. the process output). */
  readonly context?: () => string
  readonly intervalMs?: number
}

/**
 * Polls `check` until it returns true, with a deadline: a bounded wait, not a sleep. `check` may
 * throw to give up early (e.g. the process under test died).
 */
export async function waitFor(check: () => boolean | Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = performance.now() + options.timeoutMs
  for (;;) {
    if (await check()) return
    if (performance.now() >= deadline) {
      const context = options.context === undefined ? '' : `\n${options.context()}`
      throw new Error(`Timed out after ${options.timeoutMs} ms waiting for ${options.what}.${context}`)
    }
    await delay(options.intervalMs ?? 50)
  }
}

/** GET with a short timeout; `undefined` when nothing answers (connection refused, reset). */
export async function tryGet(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) })
    return { status: res.status, body: await res.text() }
  } catch {
    return undefined
  }
}

/** A fresh directory under the OS temp dir, removed by the returned cleanup function. */
export async function makeTempDir(
  prefix = 'vigil-test-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}
