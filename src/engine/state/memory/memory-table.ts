import { StateKeyLimitError } from '../state-errors.js'
import type { TableSpec } from '../table-spec.js'
import type { ParsedTable } from '../snapshot-format.js'
import type { PrepareLoadResult, TableSource } from '../table-source.js'

/**
 * What the three memory tables share: a Map of key → contents (C: the value, the field map or the
 * time-ordered entries), the set of keys changed since the last snapshot, and the `maxKeys`
 * bound. Subclasses add the typed operations and say how contents become a payload and back.
 */
export abstract class MemoryTable<V, C> implements TableSource {
  readonly spec: TableSpec<V>
  protected contents = new Map<string, C>()
  protected readonly changed = new Set<string>()

  constructor(spec: TableSpec<V>) {
    this.spec = spec
  }

  get name(): string {
    return this.spec.name
  }

  get maxKeys(): number {
    return this.spec.maxKeys
  }

  get size(): number {
    return this.contents.size
  }

  get changedCount(): number {
    return this.changed.size
  }

  has(key: string): boolean {
    return this.contents.has(key)
  }

  /** Throws StateKeyLimitError when `key` is new and the table is full. */
  protected admit(key: string): void {
    if (this.contents.size >= this.spec.maxKeys && !this.contents.has(key))
      throw new StateKeyLimitError(this.spec.name, this.spec.maxKeys)
  }

  protected abstract encodeContents(contents: C): Uint8Array
  protected abstract decodeContents(version: number, payload: Uint8Array): C
  /** Called after contents were replaced by a restore. */
  protected afterLoad(): void {}

  forEachPayload(fn: (key: string, payload: Uint8Array) => void): void {
    for (const [key, c] of this.contents) fn(key, this.encodeContents(c))
  }

  forEachChange(fn: (key: string, payload: Uint8Array | undefined) => void): void {
    for (const key of this.changed) {
      const c = this.contents.get(key)
      fn(key, c === undefined ? undefined : this.encodeContents(c))
    }
  }

  clearChanges(): void {
    this.changed.clear()
  }

  prepareLoad(sections: readonly ParsedTable[]): PrepareLoadResult {
    const loaded = new Map<string, C>()
    for (const { version, keys, payloads } of sections) {
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!
        const payload = payloads[i]
        if (payload === undefined) {
          loaded.delete(key)
          continue
        }
        try {
          loaded.set(key, this.decodeContents(version, payload))
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err)
          return { ok: false, reason: `table ${this.name}, key ${JSON.stringify(key)}: ${message}` }
        }
      }
    }
    if (loaded.size > this.spec.maxKeys)
      return { ok: false, reason: `table ${this.name}: ${loaded.size} keys exceed maxKeys ${this.maxKeys}` }
    return {
      ok: true,
      commit: () => {
        this.contents = loaded
        this.changed.clear()
        this.afterLoad()
      },
    }
  }
}
