/**
 * Crash-test harness: run a child node script, read its line protocol from stdout, and `kill -9`
 * it at a random instant. Generic on purpose: the embedded log's crash test uses it
 * (`src/log/embedded/crash.test.ts`) and the stream engine's crash tests will too.
 *
 * The child prints a ready line (default `ready`) once it has started its work; the harness
 * SIGKILLs it `killAfterMs` later (or that long after the spawn, to hit its startup too) and
 * returns every complete stdout line it wrote (a line cut by the kill is dropped). A child should write each line with a synchronous write *before* it
 * acts on the next step, so that every line returned describes something that really happened.
 *
 * Randomness comes from one seeded PRNG per run. The seed is printed; set `VIGIL_CRASH_SEED` to
 * replay a run's choices (kill instants and whatever the test derives from the seed; the OS still
 * schedules the child, so a replay is close, not identical). `VIGIL_CRASH_CYCLES` overrides the
 * number of kill/recover cycles.
 */
import { spawn } from 'node:child_process'
import { randomInt } from 'node:crypto'

export const SEED_ENV = 'VIGIL_CRASH_SEED'
export const CYCLES_ENV = 'VIGIL_CRASH_CYCLES'
export const DEFAULT_CRASH_CYCLES = 60

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence on every platform. */
export class Rng {
  readonly seed: number
  #state: number

  constructor(seed: number) {
    this.seed = seed >>> 0
    this.#state = this.seed
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** A 32-bit value, e.g. the seed of a child process or of a sub-generator. */
  u32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0
  }

  /** An independent generator (for one part of a test), derived from this one. */
  fork(): Rng {
    return new Rng(this.u32())
  }
}

/** The run's seed: `VIGIL_CRASH_SEED` (decimal or 0x-hex) when set, else a fresh random one. */
export function crashSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[SEED_ENV]
  if (raw === undefined || raw === '') return randomInt(2 ** 32 - 1)
  const seed = Number(raw)
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new Error(`${SEED_ENV} must be an integer in 0..2^32-1, got "${raw}"`)
  }
  return seed
}

/** Kill/recover cycles to run: `VIGIL_CRASH_CYCLES` when set, else `defaultCycles`. */
export function crashCycles(
  defaultCycles = DEFAULT_CRASH_CYCLES,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const raw = env[CYCLES_ENV]
  if (raw === undefined || raw === '') return defaultCycles
  const cycles = Number(raw)
  if (!Number.isInteger(cycles) || cycles < 1) {
    throw new Error(`${CYCLES_ENV} must be a positive integer, got "${raw}"`)
  }
  return cycles
}

/** How to reproduce a run, for messages and failures. */
export function reproduceHint(seed: number): string {
  return `${SEED_ENV}=${seed}`
}

export interface KillRunOptions {
  /** Path of the node script to run (compiled JS). */
  readonly script: string
  readonly args?: readonly string[]
  /** Delay before the SIGKILL, counted from the ready line (default) or from the spawn. */
  readonly killAfterMs: number
  /**
   * `ready`: kill while the child does its work. `spawn`: kill at any instant of its life, startup
   * included (its own recovery, say); the child may or may not have printed its ready line.
   */
  readonly killFrom?: 'ready' | 'spawn'
  /** The line (exactly, or as the first word) that says the child started its work. */
  readonly readyWord?: string
  /** With `killFrom: 'ready'`, fail when the ready line does not come within this time (default 20 s). */
  readonly readyTimeoutMs?: number
  readonly nodeArgs?: readonly string[]
  readonly env?: NodeJS.ProcessEnv
  /**
   * Kill at once when a stdout line after the ready line matches (e.g. a child announcing the
   * phase it is in), instead of waiting for `killAfterMs`: to crash at a precise step.
   */
  readonly killOnLine?: (line: string) => boolean
}

export interface KillRunResult {
  /** Every complete stdout line, in order, including the ready line. */
  readonly lines: readonly string[]
  /** Index of the ready line in `lines`, -1 when killed before it (`killFrom: 'spawn'`). */
  readonly readyIndex: number
  readonly stderr: string
  /** Spawn to ready line (-1: no ready line). */
  readonly startupMs: number
  /** Spawn to SIGKILL. */
  readonly lifeMs: number
}

/** The child exited (or failed to start, or never got ready) before the harness killed it. */
export class ChildNotKilledError extends Error {
  readonly lines: readonly string[]
  readonly stderr: string

  constructor(message: string, lines: readonly string[], stderr: string) {
    super(`${message}\n--- child stderr (tail) ---\n${stderr.slice(-4000)}`)
    this.lines = lines
    this.stderr = stderr
  }
}

/**
 * Runs `script` and SIGKILLs it `killAfterMs` after its ready line (or after the spawn). Resolves
 * with its complete stdout lines once it is dead and its pipes are drained; rejects with
 * ChildNotKilledError when it exits by itself first or never gets ready.
 */
export function runUntilKilled(options: KillRunOptions): Promise<KillRunResult> {
  const readyWord = options.readyWord ?? 'ready'
  const fromSpawn = options.killFrom === 'spawn'
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000
  const started = performance.now()
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])],
    { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env },
  )
  const lines: string[] = []
  let partial = ''
  let stderr = ''
  let readyIndex = -1
  let readyAt = -1
  let killedAt = 0
  const kill = (): void => {
    killedAt = performance.now()
    child.kill('SIGKILL')
  }
  let killTimer = fromSpawn ? setTimeout(kill, options.killAfterMs) : undefined
  const readyTimer = fromSpawn ? undefined : setTimeout(() => child.kill('SIGKILL'), readyTimeoutMs)

  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk
    if (stderr.length > 1 << 20) stderr = stderr.slice(-(1 << 19))
  })
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n')
    partial = parts.pop() ?? ''
    for (const line of parts) {
      lines.push(line)
      if (readyIndex >= 0 && killedAt === 0 && options.killOnLine?.(line) === true) kill()
      if (readyIndex < 0 && (line === readyWord || line.startsWith(`${readyWord} `))) {
        readyIndex = lines.length - 1
        readyAt = performance.now()
        if (!fromSpawn) {
          clearTimeout(readyTimer)
          killTimer = setTimeout(kill, options.killAfterMs)
        }
      }
    }
  })

  return new Promise((resolve, reject) => {
    const stopTimers = (): void => {
      clearTimeout(readyTimer)
      clearTimeout(killTimer)
    }
    child.on('error', (err) => {
      stopTimers()
      reject(new ChildNotKilledError(`could not start ${options.script}: ${err.message}`, lines, stderr))
    })
    // 'close' fires after the exit and once stdout/stderr are drained: nothing written is missed.
    child.on('close', (code, signal) => {
      stopTimers()
      if (killedAt > 0 && signal === 'SIGKILL') {
        const startupMs = readyAt < 0 ? -1 : readyAt - started
        resolve({ lines, readyIndex, stderr, startupMs, lifeMs: killedAt - started })
        return
      }
      const why =
        readyIndex < 0 && signal === 'SIGKILL'
          ? `no "${readyWord}" line within ${readyTimeoutMs} ms`
          : `exited by itself (code ${code}, signal ${signal})`
      reject(new ChildNotKilledError(`${options.script} ${why}`, lines, stderr))
    })
  })
}

/**
 * Runs `script` to its end (no kill), e.g. the final recovery after a test's kills. Resolves with
 * its stdout when it exits with code 0 and printed `doneWord` as a line's first word; rejects with
 * the tail of its stderr otherwise.
 */
export function runToEnd(script: string, args: readonly string[], doneWord = 'done'): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (c: string) => (out += c))
    child.stderr.on('data', (c: string) => (err += c))
    child.on('error', reject)
    child.on('close', (code) => {
      const done = out.split('\n').some((l) => l === doneWord || l.startsWith(`${doneWord} `))
      if (code === 0 && done) resolve(out)
      else reject(new Error(`${script} exited with code ${code} without "${doneWord}": ${err.slice(-2000)}`))
    })
  })
}
