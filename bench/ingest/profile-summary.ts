/**
 * `node dist/bench/ingest/profile-summary.js FILE.cpuprofile [TOP]`: the functions with the most
 * self time in a V8 CPU profile (`node --cpu-prof`), as `file:function  %`, aggregated over every
 * node of the same function. Percentages are of the non-idle samples (the idle share is printed
 * first), so they read as "share of the CPU the process used".
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

export interface SelfTime {
  readonly name: string
  readonly micros: number
  /** Share of the non-idle time, 0–1. */
  readonly share: number
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame
  const file = url === '' ? '' : url.startsWith('file://') ? path.relative(repoRoot, fileURLToPath(url)) : url
  const fn = functionName === '' ? `(anonymous:${lineNumber + 1})` : functionName
  return file === '' ? fn : `${file}:${fn}`
}

export function selfTimes(profile: CpuProfile): { idleShare: number; top: SelfTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const micros = new Map<string, number>()
  let total = 0
  let idle = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    const node = byId.get(id)
    if (node === undefined) return
    total += dt
    const name = frameName(node)
    if (name === '(idle)') idle += dt
    else micros.set(name, (micros.get(name) ?? 0) + dt)
  })
  const busy = total - idle
  const top = [...micros.entries()]
    .map(([name, us]) => ({ name, micros: us, share: busy > 0 ? us / busy : 0 }))
    .sort((a, b) => b.micros - a.micros)
  return { idleShare: total > 0 ? idle / total : 0, top }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const [file, count] = process.argv.slice(2)
  if (file === undefined) {
    process.stderr.write('Usage: node dist/bench/ingest/profile-summary.js FILE.cpuprofile [TOP]\n')
    process.exitCode = 2
  } else {
    const { idleShare, top } = selfTimes(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile)
    process.stdout.write(`idle ${(idleShare * 100).toFixed(1)}% of the profile; self time of the rest:\n`)
    for (const t of top.slice(0, Number(count ?? 15)))
      process.stdout.write(`${(t.share * 100).toFixed(1).padStart(5)}%  ${t.name}\n`)
  }
}
