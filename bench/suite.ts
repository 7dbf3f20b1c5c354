/**
 * What a benchmark suite is: a name, and a `run` that measures and returns a report. `main.ts` keeps
 * the plain list of suites, prints each report and puts its markdown into `docs/benchmarks.md`.
 */
import type { MachineInfo } from './machine.js'

export interface BenchOptions {
  /** Repetitions per measurement; `undefined` lets the suite pick its default. */
  readonly runs: number | undefined
  /** Smoke mode: tiny volumes, one run. The numbers mean nothing; the code paths all run. */
  readonly quick: boolean
  /** Run only the cases whose id contains this text (e.g. `append/1KiB/interval`). */
  readonly only: string | undefined
  /** A directory on the disk under test where the suite may create (and must remove) temp dirs. */
  readonly dataRoot: string
  /** The command line as a user would type it, recorded in the docs next to the results. */
  readonly command: string
  readonly machine: MachineInfo
  /** Progress lines (to stderr), so stdout carries only the results. */
  readonly progress: (line: string) => void
}

export interface SuiteReport {
  /** Compact result tables for the terminal. */
  readonly text: string
  /** The suite's section of `docs/benchmarks.md` (without the markers; starts with `## Title`). */
  readonly markdown: string
}

export interface BenchSuite {
  /** Lower-case id used on the command line and in the doc markers (`bench:<name>:start`). */
  readonly name: string
  readonly description: string
  run(options: BenchOptions): Promise<SuiteReport>
}
