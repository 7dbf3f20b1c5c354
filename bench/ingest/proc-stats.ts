import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'

/**
 * CPU time and memory of another process from `/proc` (Linux): utime + stime of `/proc/<pid>/stat`
 * and `VmRSS` / `VmHWM` of `/proc/<pid>/status`. Reads are a few µs each, cheap enough to sample
 * every few hundred milliseconds while the load runs.
 */
let ticksPerSecond: number | undefined

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

/** User + system CPU seconds the process has used so far; NaN once it is gone. */
export function processCpuSeconds(pid: number): number {
  let stat: string
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return Number.NaN
  }
  // Fields after the command name (which may contain spaces) start at field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return (utime + stime) / clockTicks()
}

export interface ProcessMemory {
  /** Resident set size now, bytes. */
  readonly rssBytes: number
  /** Peak resident set size over the process's life (VmHWM), bytes. */
  readonly peakRssBytes: number
}

export function processMemory(pid: number): ProcessMemory {
  let status: string
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return { rssBytes: Number.NaN, peakRssBytes: Number.NaN }
  }
  const kib = (name: string): number => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)
    return m === null ? Number.NaN : Number(m[1]) * 1024
  }
  return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') }
}
