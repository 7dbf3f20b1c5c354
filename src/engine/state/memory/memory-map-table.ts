import type { MapTable } from '../state-table.js'
import { decodeMapPayload, encodeMapPayload } from '../table-payload.js'
import { MemoryTable } from './memory-table.js'

export class MemoryMapTable<V> extends MemoryTable<V, Map<string, V>> implements MapTable<V> {
  get(key: string, field: string): V | undefined {
    return this.contents.get(key)?.get(field)
  }

  set(key: string, field: string, value: V): void {
    let fields = this.contents.get(key)
    if (fields === undefined) {
      this.admit(key)
      fields = new Map()
      this.contents.set(key, fields)
    }
    fields.set(field, value)
    this.changed.add(key)
  }

  delete(key: string, field?: string): boolean {
    const fields = this.contents.get(key)
    if (fields === undefined) return false
    if (field !== undefined) {
      if (!fields.delete(field)) return false
      if (fields.size === 0) this.contents.delete(key)
    } else {
      this.contents.delete(key)
    }
    this.changed.add(key)
    return true
  }

  fields(key: string): ReadonlyMap<string, V> | undefined {
    return this.contents.get(key)
  }

  entries(): IterableIterator<[string, ReadonlyMap<string, V>]> {
    return this.contents.entries()
  }

  protected encodeContents(fields: Map<string, V>): Uint8Array {
    return encodeMapPayload(this.spec, fields)
  }

  protected decodeContents(version: number, payload: Uint8Array): Map<string, V> {
    const fields = decodeMapPayload(this.spec, version, payload)
    if (fields.size === 0) throw new Error('a map key without fields')
    return fields
  }
}
