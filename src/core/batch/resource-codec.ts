import { writeAttributes } from './binary.js'
import type { BinaryReader, BinaryWriter, StringTable } from './binary.js'
import type { ResourceEntry } from './resource.js'

/**
 * The resource dictionary of a log or span batch in the binary format (binary.ts): uvarint count,
 * then per entry the string indexes of service, scope and scope version, then its attributes.
 */
export function writeResources(
  w: BinaryWriter,
  table: StringTable,
  resources: readonly ResourceEntry[],
): void {
  w.uvarint(resources.length)
  for (const res of resources) {
    w.uvarint(table.ref(res.service))
    w.uvarint(table.ref(res.scope))
    w.uvarint(table.ref(res.scopeVersion))
    writeAttributes(w, table, res.attributes)
  }
}

export function readResources(r: BinaryReader): ResourceEntry[] {
  const n = r.count()
  const out = new Array<ResourceEntry>(n)
  for (let i = 0; i < n; i++) {
    const service = r.string()
    const scope = r.string()
    const scopeVersion = r.string()
    out[i] = { service, attributes: r.attributes(), scope, scopeVersion }
  }
  return out
}
