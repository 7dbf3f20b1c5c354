import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { counts, dump, labels, newStore, recent } from './harness.js'
import type { StateBackendConformanceHarness } from './harness.js'
import type { StateStore } from '../../state-backend.js'

type Op =
  | { t: 'set'; k: string; v: number }
  | { t: 'del'; k: string }
  | { t: 'mset'; k: string; f: string; v: string }
  | { t: 'mdel'; k: string; f: string | undefined }
  | { t: 'tset'; k: string; ts: number; v: number }
  | { t: 'tdel'; k: string; ts: number | undefined }
  | { t: 'expire'; wm: number }
  | { t: 'snapshot' }
  | { t: 'restore' }

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h')
const field = fc.constantFrom('x', 'y', 'z')
const ts = fc.integer({ min: 0, max: 5000 })
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('set' as const), k: key, v: fc.double() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('del' as const), k: key }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('mset' as const), k: key, f: field, v: fc.string() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('mdel' as const),
      k: key,
      f: fc.option(field, { nil: undefined }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('tset' as const), k: key, ts, v: fc.integer() }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('tdel' as const), k: key, ts: fc.option(ts, { nil: undefined }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('expire' as const), wm: fc.integer({ min: 0, max: 7000 }) }),
  },
  { weight: 3, arbitrary: fc.constant({ t: 'snapshot' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'restore' as const }) },
)

/** The reference: plain Maps, obviously correct. */
class Model {
  value = new Map<string, number>()
  map = new Map<string, Map<string, string>>()
  timed = new Map<string, Map<number, number>>()

  clone(): Model {
    const m = new Model()
    m.value = new Map(this.value)
    for (const [k, f] of this.map) m.map.set(k, new Map(f))
    for (const [k, e] of this.timed) m.timed.set(k, new Map(e))
    return m
  }

  apply(o: Op): void {
    if (o.t === 'set') this.value.set(o.k, o.v)
    else if (o.t === 'del') this.value.delete(o.k)
    else if (o.t === 'mset') this.map.set(o.k, (this.map.get(o.k) ?? new Map()).set(o.f, o.v))
    else if (o.t === 'mdel') deleteIn(this.map, o.k, o.f)
    else if (o.t === 'tset') this.timed.set(o.k, (this.timed.get(o.k) ?? new Map()).set(o.ts, o.v))
    else if (o.t === 'tdel') deleteIn(this.timed, o.k, o.ts)
    else if (o.t === 'expire') {
      for (const [k, e] of this.timed) {
        for (const t of e.keys()) if (t < o.wm - recent.ttlMs) e.delete(t)
        if (e.size === 0) this.timed.delete(k)
      }
    }
  }

  dump(): Record<string, unknown> {
    const sorted = <T>(xs: [string, T][]): [string, T][] => xs.sort((a, b) => (a[0] < b[0] ? -1 : 1))
    return {
      value: sorted([...this.value]),
      map: sorted([...this.map].map(([k, f]) => [k, sorted([...f])])),
      timed: sorted([...this.timed].map(([k, e]) => [k, [...e].sort((a, b) => a[0] - b[0])])),
    }
  }
}

function deleteIn<F>(m: Map<string, Map<F, unknown>>, k: string, f: F | undefined): void {
  if (f === undefined) m.delete(k)
  else if (m.get(k)?.delete(f) === true && m.get(k)!.size === 0) m.delete(k)
}

function applyToStore(store: StateStore, o: Op): void {
  if (o.t === 'set') store.table(counts).set(o.k, o.v)
  else if (o.t === 'del') store.table(counts).delete(o.k)
  else if (o.t === 'mset') store.table(labels).set(o.k, o.f, o.v)
  else if (o.t === 'mdel') store.table(labels).delete(o.k, o.f)
  else if (o.t === 'tset') store.table(recent).set(o.k, o.ts, o.v)
  else if (o.t === 'tdel') store.table(recent).delete(o.k, o.ts)
  else if (o.t === 'expire') store.table(recent).expire(o.wm)
}

/**
 * Model-based: random operations on a store and on a Map model, with snapshots and restores
 * (from the full snapshot and its deltas) at random points; the store always equals the model,
 * and a restored store equals the model as of the last snapshot.
 */
export function modelConformance(h: StateBackendConformanceHarness): void {
  test('random operations, snapshots and restores agree with a Map model', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), fc.integer({ min: 1, max: 5 }), (ops, fullEvery) => {
        let store = newStore(h, undefined, fullEvery)
        let model = new Model()
        let atSnapshot = new Model()
        const snapshots: Uint8Array[] = []
        let epoch = 0
        for (const o of ops) {
          if (o.t === 'snapshot') {
            snapshots.push(store.snapshot(++epoch).bytes)
            atSnapshot = model.clone()
          } else if (o.t === 'restore') {
            store = newStore(h, undefined, fullEvery)
            assert.deepEqual(store.restore(snapshots), { ok: true })
            model = atSnapshot.clone()
            assert.deepEqual(dump(store), model.dump(), 'restored = model at the last snapshot')
          } else {
            applyToStore(store, o)
            model.apply(o)
          }
        }
        assert.deepEqual(dump(store), model.dump())
      }),
      { numRuns: 200 },
    )
  })
}
