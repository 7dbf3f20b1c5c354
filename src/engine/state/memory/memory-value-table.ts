import type { ValueTable } from '../state-table.js'
import { decodeValue } from '../table-payload.js'
import { MemoryTable } from './memory-table.js'

export class MemoryValueTable<V> extends MemoryTable<V, V> implements ValueTable<V> {
  get(key: string): V | undefined {
    return this.contents.get(key)
  }

  set(key: string, value: V): void {
    this.admit(key)
    this.contents.set(key, value)
    this.changed.add(key)
  }

  delete(key: string): boolean {
    if (!this.contents.delete(key)) return false
    this.changed.add(key)
    return true
  }

  entries(): IterableIterator<[string, V]> {
    return this.contents.entries()
  }

  protected encodeContents(value: V): Uint8Array {
    return this.spec.codec.encode(value)
  }

  protected decodeContents(version: number, payload: Uint8Array): V {
    return decodeValue(this.spec, version, payload)
  }
}
