// Measures snapshot and restore cost for many keys with a number value (full and 1 % delta).
// Not a test and not the benchmark suite (bench/ owns that); a quick figure for docs/state.md:
//   npm run build --silent && node dist/src/engine/state/testing/measure-snapshots.js [keys]
import { performance } from 'node:perf_hooks'
import { createMemoryBackend } from '../memory/memory-backend.js'
import { numberCodec } from '../state-codec.js'
import { valueTable } from '../table-spec.js'

const keys = Number(process.argv[2] ?? 1_000_000)
const rounds = 5
const table = valueTable('rollup', numberCodec, { maxKeys: keys })

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]!
}

const fullMs: number[] = []
const deltaMs: number[] = []
const restoreMs: number[] = []
let fullBytes = 0
let deltaBytes = 0
for (let round = 0; round < rounds; round++) {
  const backend = createMemoryBackend({ fullEvery: 10 })
  const store = backend.createStore('measure', [table])
  const t = store.table(table)
  for (let i = 0; i < keys; i++) t.set(`series-${i}`, i * 0.5)
  let start = performance.now()
  const full = store.snapshot(1)
  fullMs.push(performance.now() - start)
  fullBytes = full.bytes.length
  const step = 100 // 1 % of the keys change
  for (let i = round; i < keys; i += step) t.set(`series-${i}`, -i)
  start = performance.now()
  const delta = store.snapshot(2)
  deltaMs.push(performance.now() - start)
  deltaBytes = delta.bytes.length
  if (delta.full) throw new Error('expected a delta')
  const other = backend.createStore('measure', [table])
  start = performance.now()
  const r = other.restore([full.bytes, delta.bytes])
  restoreMs.push(performance.now() - start)
  if (!r.ok) throw new Error(r.reason)
}
const mb = (n: number): string => `${(n / 1e6).toFixed(2)} MB`
console.log(`keys ${keys}, number values, ${rounds} rounds, medians (node ${process.version})`)
console.log(`full snapshot   ${median(fullMs).toFixed(1)} ms  ${mb(fullBytes)}`)
console.log(`1 % delta       ${median(deltaMs).toFixed(1)} ms  ${mb(deltaBytes)}`)
console.log(`restore f+delta ${median(restoreMs).toFixed(1)} ms`)
