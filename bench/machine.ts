import { execFileSync } from 'node:child_process'
import * as os from 'node:os'

/** Where the numbers come from: recorded next to every result in the docs. */
export interface MachineInfo {
  readonly date: string
  readonly cpus: number
  readonly cpuModel: string
  readonly memoryGiB: number
  readonly node: string
  readonly os: string
  /** Filesystem type (`df -T`) and device of the benchmark data directory. */
  readonly filesystem: string
  readonly commit: string
  /** 1-minute load average when the benchmarks started (other sessions share the machine). */
  readonly loadAverage: number
}

export function describeMachine(dataDir: string, repoRoot: string): MachineInfo {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    filesystem: filesystemOf(dataDir),
    commit: gitCommit(repoRoot),
    loadAverage: os.loadavg()[0] ?? Number.NaN,
  }
}

export function machineLines(m: MachineInfo): string[] {
  return [
    `Date: ${m.date} (commit ${m.commit})`,
    `Machine: ${m.cpus} CPUs (nproc; ${m.cpuModel}), ${m.memoryGiB} GiB RAM, ${m.os}`,
    `Node: ${m.node}; data dir filesystem: ${m.filesystem}; 1-min load average at the start: ${m.loadAverage.toFixed(2)}`,
  ]
}

function filesystemOf(dir: string): string {
  try {
    const out = execFileSync('df', ['-T', dir], { encoding: 'utf8' }).trim().split('\n')
    const [device, type] = (out[out.length - 1] ?? '').split(/\s+/)
    return type === undefined ? 'unknown' : `${type} (${device})`
  } catch {
    return 'unknown'
  }
}

function gitCommit(repoRoot: string): string {
  try {
    const run = (args: string[]): string =>
      execFileSync('git', args, {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim()
    const dirty = run(['status', '--porcelain', '--untracked-files=no', '--', 'src']).length > 0
    return `${run(['rev-parse', '--short', 'HEAD'])}${dirty ? ', src/ modified' : ''}`
  } catch {
    return 'unknown'
  }
}
