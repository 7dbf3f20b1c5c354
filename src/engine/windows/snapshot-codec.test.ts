import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { errorCode } from '../../core/index.js'
import { countSumKind } from './count-sum.js'
import { KeyedWindows } from './keyed-windows.js'
import { decodeWindowsSnapshot, encodeWindowsSnapshot } from './snapshot-codec.js'
import { RecordingSink, applyStep } from './testing/golden.js'
import { session, tumbling } from './window-assigner.js'

function sessionState(): KeyedWindows<ReturnType<typeof countSumKind.create>> {
  const sink = new RecordingSink(true)
  const w = new KeyedWindows(
    { assigner: session(10), accumulator: countSumKind, allowedLatenessMs: 50, emitMode: 'emit-on-update' },
    sink,
  )
  for (const step of ['a@0=1', 'a@12=2', 'wm 21', 'a@6=3', 'b@5=-1.5', 'ключ@7=1']) applyStep(w, sink, step)
  return w
}

describe('window snapshot codec', () => {
  test('round-trips every field, pending retractions and non-ASCII keys included', () => {
    const snapshot = sessionState().snapshot()
    assert.equal(snapshot.retractions.length, 1)
    const decoded = decodeWindowsSnapshot(encodeWindowsSnapshot(snapshot))
    assert.ok(decoded.ok)
    assert.deepEqual(decoded.snapshot, snapshot)
  })

  test('any flipped byte or cut is reported, never thrown', () => {
    const bytes = encodeWindowsSnapshot(sessionState().snapshot())
    for (let i = 0; i < bytes.length; i++) {
      const damaged = Buffer.from(bytes)
      damaged[i] = damaged[i]! ^ 0x40
      assert.equal(decodeWindowsSnapshot(damaged).ok, false, `byte ${i}`)
      assert.equal(decodeWindowsSnapshot(bytes.subarray(0, i)).ok, false, `cut at ${i}`)
    }
  })

  test('restoring under another assigner or dedupe setting is refused', () => {
    const snapshot = sessionState().snapshot()
    const sink = new RecordingSink(false)
    for (const options of [
      { assigner: tumbling(10), accumulator: countSumKind },
      { assigner: session(10), accumulator: countSumKind, dedupeByTimestamp: false },
    ]) {
      const w = new KeyedWindows(options, sink)
      assert.throws(
        () => w.restore(snapshot),
        (err: unknown) => errorCode(err) === 'window_snapshot_mismatch',
      )
    }
  })
})
