import { lastWindowStart, slideOf } from '../window-assigner.js'
import type { FixedWindowAssigner, WindowAssigner } from '../window-assigner.js'

export interface Sample {
  readonly key: string
  readonly ts: number
  readonly value: number
}

/**
 * The obviously-correct offline answer: final (count, sum) per `key [start,end)`, from every
 * accepted sample at once. With dedupe the last arrival of a (key, ts) wins.
 */
export function referenceWindows(
  assigner: WindowAssigner,
  samples: readonly Sample[],
  dedupe: boolean,
): Map<string, string> {
  const byKey = new Map<string, Sample[]>()
  const kept = dedupe ? [...new Map(samples.map((s) => [`${s.key}@${s.ts}`, s])).values()] : samples
  for (const s of kept) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s])
  const out = new Map<string, { count: number; sum: number }>()
  const put = (key: string, start: number, end: number, s: Sample): void => {
    const id = `${key} [${start},${end})`
    const acc = out.get(id) ?? { count: 0, sum: 0 }
    out.set(id, { count: acc.count + 1, sum: acc.sum + s.value })
  }
  for (const [key, list] of byKey) {
    if (assigner.kind === 'session') {
      const sorted = [...list].sort((a, b) => a.ts - b.ts)
      let group: Sample[] = []
      const flush = (): void => {
        const first = group[0]
        const last = group[group.length - 1]
        if (first === undefined || last === undefined) return
        for (const s of group) put(key, first.ts, last.ts + assigner.gapMs, s)
      }
      for (const s of sorted) {
        const last = group[group.length - 1]
        if (last !== undefined && s.ts - last.ts >= assigner.gapMs) {
          flush()
          group = []
        }
        group.push(s)
      }
      flush()
    } else {
      const slide = assigner.kind === 'sliding' ? assigner.slideMs : assigner.sizeMs
      for (const s of list) {
        for (let start = -1000 * slide + assigner.offsetMs; start <= s.ts; start += slide) {
          if (start <= s.ts && s.ts < start + assigner.sizeMs) put(key, start, start + assigner.sizeMs, s)
        }
      }
    }
  }
  return new Map([...out].map(([id, acc]) => [id, `count=${acc.count} sum=${acc.sum}`]))
}

/**
 * The latest state per window identity from golden output lines (see testing/golden.ts): the last
 * revision of each window, minus retracted ones, as `key [start,end)` → `count=… sum=…`.
 */
export function finalWindows(lines: readonly string[]): Map<string, string> {
  const latest = new Map<string, { range: string; acc: string | null; isFinal: boolean }>()
  for (const line of lines) {
    const retract = /^retract (\S+) (\S+) r\d+$/.exec(line)
    if (retract !== null) {
      latest.set(identity(retract[1]!, retract[2]!), { range: retract[2]!, acc: null, isFinal: true })
      continue
    }
    const result = /^(\S+) (\S+) r\d+ (final|update) (.*)$/.exec(line)
    if (result === null) continue
    latest.set(identity(result[1]!, result[2]!), {
      range: result[2]!,
      acc: result[4]!,
      isFinal: result[3] === 'final',
    })
  }
  const out = new Map<string, string>()
  for (const [id, w] of latest) {
    if (!w.isFinal) throw new Error(`window ${id} ${w.range} ended on a non-final revision`)
    if (w.acc !== null) out.set(`${id.split(/[# ]/)[0]} ${w.range}`, w.acc)
  }
  return out
}

/** Sessions are named `key#id`; a fixed window is named by its key and range. */
function identity(name: string, range: string): string {
  return name.includes('#') ? name : `${name} ${range}`
}

/** A sample as taken by one fixed window (the one starting at `start`). */
export type TakenSample = Sample & { readonly start: number }

/** The starts of the fixed windows of `ts` not yet dropped (end + lateness > done). */
export function windowsOpenAt(
  assigner: FixedWindowAssigner,
  ts: number,
  done: number,
  latenessMs: number,
): number[] {
  const slide = slideOf(assigner)
  const starts: number[] = []
  for (
    let start = lastWindowStart(ts, slide, assigner.offsetMs);
    start + assigner.sizeMs > ts;
    start -= slide
  ) {
    if (start + assigner.sizeMs + latenessMs > done) starts.push(start)
  }
  return starts
}

/** Per fixed window, the samples it took (with dedupe, the last value per (key, ts)), counted and summed. */
export function referenceOfTaken(
  assigner: FixedWindowAssigner,
  taken: readonly TakenSample[],
  dedupe: boolean,
): Map<string, string> {
  const kept = dedupe ? [...new Map(taken.map((t) => [`${t.key} ${t.start} ${t.ts}`, t])).values()] : taken
  const out = new Map<string, { count: number; sum: number }>()
  for (const t of kept) {
    const id = `${t.key} [${t.start},${t.start + assigner.sizeMs})`
    const acc = out.get(id) ?? { count: 0, sum: 0 }
    out.set(id, { count: acc.count + 1, sum: acc.sum + t.value })
  }
  return new Map([...out].map(([id, acc]) => [id, `count=${acc.count} sum=${acc.sum}`]))
}
